//! The offline commands of the real `skillseal-registry` binary against
//! folders that hold no registry, and `fsck` against one that does.

use std::path::Path;
use std::process::{Command, Output};

fn registry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skillseal-registry"))
        .args(args)
        .output()
        .expect("the registry binary runs")
}

fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn audit_verify_and_fsck_refuse_a_folder_with_no_registry() {
    let empty = tempfile::tempdir().unwrap();
    let data = empty.path().to_str().unwrap();
    for command in [&["audit", "verify"][..], &["fsck"][..]] {
        let out = registry(&[command, &["--data", data]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command:?}: {stderr}");
        assert!(stderr.contains("no registry"), "{command:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("intact"),
            "{command:?}"
        );
        assert_eq!(entries(empty.path()), 0, "{command:?} created files");
    }
}

#[test]
fn fsck_reports_a_blob_altered_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    // A registry's data folder: made by `token create`, which opens it.
    let made = registry(&["token", "create", "--data", data, "--admin"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let clean = registry(&["fsck", "--data", data]);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert!(String::from_utf8_lossy(&clean.stdout).contains("0 missing, 0 corrupt"));

    // A blob whose bytes no longer hash to its name.
    let name = "0".repeat(64);
    let blob = dir.path().join("blobs/sha256/00");
    std::fs::create_dir_all(&blob).unwrap();
    std::fs::write(blob.join(&name), b"not what the name says").unwrap();
    let out = registry(&["fsck", "--data", data]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("corrupt: sha256:{name}")),
        "{stdout}"
    );
}
