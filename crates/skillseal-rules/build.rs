//! The built-in rules are embedded with `include_dir!`, which cannot tell
//! cargo about files added to or removed from `scanner-rules/`. Watching the
//! directory here rebuilds this crate whenever any rule file changes.

fn main() {
    println!("cargo::rerun-if-changed=../../scanner-rules");
}
