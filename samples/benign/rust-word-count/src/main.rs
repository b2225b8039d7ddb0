use std::fs;
use std::path::Path;

#[derive(Default)]
struct Counts {
    lines: usize,
    words: usize,
    chars: usize,
}

fn count_file(p: &Path, c: &mut Counts) {
    if let Ok(s) = fs::read_to_string(p) {
        c.lines += s.lines().count();
        c.words += s.split_whitespace().count();
        c.chars += s.chars().count();
    }
}

fn walk(p: &Path, c: &mut Counts) {
    if p.is_dir() {
        if let Ok(rd) = fs::read_dir(p) {
            for e in rd.flatten() {
                walk(&e.path(), c);
            }
        }
    } else if matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt" | "rst")) {
        count_file(p, c);
    }
}

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut c = Counts::default();
    walk(Path::new(&root), &mut c);
    println!("lines {}  words {}  chars {}", c.lines, c.words, c.chars);
}
