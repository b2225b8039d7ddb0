//! Packing is deterministic, leaves out what it should, refuses what it
//! must, and takes an exact version.

use skillseal_package::{MANIFEST_PATH, PackError, PackOptions, pack};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime};

const SKILL_MD: &str = "---\nname: demo-skill\ndescription: A demo\nversion: 1.2.3\n---\n# Demo\n";

fn write(root: &Path, rel: &str, body: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, body).unwrap();
}

#[cfg(unix)]
fn chmod(root: &Path, rel: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(root.join(rel), fs::Permissions::from_mode(mode)).unwrap();
}

fn touch(root: &Path, rel: &str, secs: u64) {
    let f = fs::File::options()
        .write(true)
        .open(root.join(rel))
        .unwrap();
    f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .unwrap();
}

fn entries(bytes: &[u8]) -> Vec<(String, u32, Vec<u8>)> {
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    ar.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let path = e.path().unwrap().to_string_lossy().to_string();
            let mode = e.header().mode().unwrap();
            let mut body = Vec::new();
            e.read_to_end(&mut body).unwrap();
            (path, mode, body)
        })
        .collect()
}

#[test]
fn same_files_same_bytes_whatever_order_time_and_permissions() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    // Created in opposite orders, with different times and read/write bits.
    for (rel, body) in [
        ("SKILL.md", SKILL_MD),
        ("scripts/run.sh", "#!/bin/sh\necho hi\n"),
        ("references/notes.md", "notes\n"),
        ("a.txt", "a\n"),
    ] {
        write(a.path(), rel, body);
        touch(a.path(), rel, 1_000);
    }
    for (rel, body) in [
        ("a.txt", "a\n"),
        ("references/notes.md", "notes\n"),
        ("scripts/run.sh", "#!/bin/sh\necho hi\n"),
        ("SKILL.md", SKILL_MD),
    ] {
        write(b.path(), rel, body);
        touch(b.path(), rel, 2_000_000);
    }
    #[cfg(unix)]
    {
        chmod(a.path(), "scripts/run.sh", 0o755);
        chmod(b.path(), "scripts/run.sh", 0o700);
        chmod(a.path(), "a.txt", 0o600);
        chmod(b.path(), "a.txt", 0o664);
    }
    let pa = pack(a.path(), &PackOptions::default()).unwrap();
    let pb = pack(b.path(), &PackOptions::default()).unwrap();
    assert_eq!(pa.bytes, pb.bytes);
    assert_eq!(pa.digest, pb.digest);
    assert!(pa.digest.starts_with("sha256:") && pa.digest.len() == 7 + 64);
    assert_eq!(pa.file_name(), "demo-skill-1.2.3.skill.tgz");

    let got = entries(&pa.bytes);
    let paths: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        paths,
        [
            MANIFEST_PATH,
            "SKILL.md",
            "a.txt",
            "references/notes.md",
            "scripts/run.sh"
        ]
    );
    #[cfg(unix)]
    {
        let modes: Vec<u32> = got[1..].iter().map(|e| e.1).collect();
        assert_eq!(modes, [0o644, 0o644, 0o644, 0o755]);
    }
    // The manifest in the archive is the one returned, and lists every file.
    let m: skillseal_package::Manifest = serde_json::from_slice(&got[0].2).unwrap();
    assert_eq!(m, pa.manifest);
    assert_eq!(m.version.to_string(), "1.2.3");
    let run = m.files.iter().find(|f| f.path == "scripts/run.sh").unwrap();
    assert_eq!(run.size, 18);
    assert_eq!(run.sha256, hex_sha256(b"#!/bin/sh\necho hi\n"));
    assert_eq!(run.executable, cfg!(unix));
}

fn hex_sha256(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

#[test]
fn any_change_changes_the_digest() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "SKILL.md", SKILL_MD);
    write(d.path(), "x.py", "print(1)\n");
    let base = pack(d.path(), &PackOptions::default()).unwrap().digest;
    write(d.path(), "x.py", "print(2)\n");
    let edited = pack(d.path(), &PackOptions::default()).unwrap().digest;
    assert_ne!(base, edited);
    #[cfg(unix)]
    {
        chmod(d.path(), "x.py", 0o755);
        let exec = pack(d.path(), &PackOptions::default()).unwrap().digest;
        assert_ne!(edited, exec, "the executable bit is part of the package");
    }
}

#[test]
fn git_and_ignored_paths_are_left_out() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "SKILL.md", SKILL_MD);
    write(d.path(), ".git/config", "[core]\n");
    write(d.path(), "build/out.bin", "x");
    write(d.path(), "notes.log", "x");
    write(d.path(), "keep.md", "x");
    write(d.path(), ".skillsealignore", "build/\n*.log\n");
    write(d.path(), ".clawhubignore", "drafts/\n");
    write(d.path(), "drafts/a.md", "x");
    let p = pack(d.path(), &PackOptions::default()).unwrap();
    let paths: Vec<&str> = p.manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [".clawhubignore", ".skillsealignore", "SKILL.md", "keep.md"]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_and_special_files_are_refused() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "SKILL.md", SKILL_MD);
    std::os::unix::fs::symlink("/etc/passwd", d.path().join("link")).unwrap();
    let err = pack(d.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(err, PackError::Symlink(_)), "{err}");
    assert!(err.to_string().contains("link"), "{err}");
    fs::remove_file(d.path().join("link")).unwrap();

    let fifo = d.path().join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        let err = pack(d.path(), &PackOptions::default()).unwrap_err();
        assert!(matches!(err, PackError::SpecialFile(_)), "{err}");
    }
}

#[test]
fn the_manifest_folder_is_reserved() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "SKILL.md", SKILL_MD);
    write(d.path(), ".skillseal/manifest.json", "{}");
    let err = pack(d.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(err, PackError::Reserved(_)), "{err}");
}

#[test]
fn versions_are_exact() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "SKILL.md",
        "---\nname: demo-skill\ndescription: x\n---\n# x\n",
    );
    let err = pack(d.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(err, PackError::NoVersion(_)), "{err}");
    assert!(err.to_string().contains("--version"), "{err}");

    let opts = |v: &str| PackOptions {
        version: Some(v.into()),
        ..Default::default()
    };
    let err = pack(d.path(), &opts("^1.2")).unwrap_err();
    assert!(err.to_string().contains("range"), "{err}");
    let err = pack(d.path(), &opts("1.2")).unwrap_err();
    assert!(matches!(err, PackError::BadVersion { .. }), "{err}");
    let p = pack(d.path(), &opts("0.3.0-rc.1")).unwrap();
    assert_eq!(p.manifest.version.to_string(), "0.3.0-rc.1");

    // metadata.version counts; --version overrides the front matter.
    write(
        d.path(),
        "SKILL.md",
        "---\nname: demo-skill\ndescription: x\nmetadata:\n  version: 2.0.1\n---\n",
    );
    assert_eq!(
        pack(d.path(), &PackOptions::default())
            .unwrap()
            .manifest
            .version
            .to_string(),
        "2.0.1"
    );
    assert_eq!(
        pack(d.path(), &opts("2.0.2"))
            .unwrap()
            .manifest
            .version
            .to_string(),
        "2.0.2"
    );
}

#[test]
fn a_folder_without_skill_md_or_name_is_refused() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "x.py", "print(1)\n");
    let err = pack(d.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(err, PackError::NoSkillManifest(_)), "{err}");
    write(
        d.path(),
        "SKILL.md",
        "---\ndescription: x\nversion: 1.0.0\n---\n",
    );
    let err = pack(d.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(err, PackError::NoName(_)), "{err}");
    write(
        d.path(),
        "SKILL.md",
        "---\nname: ../evil\nversion: 1.0.0\n---\n",
    );
    let err = pack(d.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(err, PackError::BadName(_)), "{err}");
}

/// What `pack` writes, `inspect` accepts; anything else is refused with
/// its own error.
#[test]
fn inspect_accepts_packed_packages_and_refuses_doctored_ones() {
    use skillseal_package::{InspectError, Limits, inspect};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("SKILL.md"),
        "---\nname: demo\nversion: 1.0.0\n---\nHi\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("run.sh"), "echo hi\n").unwrap();
    let pkg = skillseal_package::pack(dir.path(), &Default::default()).unwrap();
    let limits = Limits::default();
    assert_eq!(inspect(&pkg.bytes, &limits).unwrap(), pkg.manifest);

    // Any changed byte: not gzip, a mismatch, or not canonical; never accepted.
    for i in (0..pkg.bytes.len()).step_by(7) {
        let mut bytes = pkg.bytes.clone();
        bytes[i] ^= 0x01;
        assert!(inspect(&bytes, &limits).is_err(), "byte {i}");
    }
    assert!(matches!(
        inspect(b"not gzip", &limits),
        Err(InspectError::Format(_))
    ));

    let tar_gz = |entries: &[(&str, tar::EntryType, &[u8])]| {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::default(),
        ));
        for (path, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            // Bypass the tar crate's own path checks to build hostile names.
            h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
            h.set_cksum();
            builder.append(&h, *data).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    };
    let manifest = br#"{"format":1,"name":"demo","version":"1.0.0","files":[]}"#;
    let reg = tar::EntryType::Regular;
    // After the manifest, one entry each: hostile paths, a link, a file the
    // manifest does not list.
    let after_manifest = |path: &str, kind: tar::EntryType, data: &[u8]| {
        inspect(
            &tar_gz(&[
                (".skillseal/manifest.json", reg, manifest),
                (path, kind, data),
            ]),
            &limits,
        )
    };
    assert!(matches!(
        after_manifest("../evil", reg, b"x"),
        Err(InspectError::Path(_))
    ));
    assert!(matches!(
        after_manifest("/etc/passwd", reg, b"x"),
        Err(InspectError::Path(_))
    ));
    assert!(matches!(
        after_manifest("link", tar::EntryType::Symlink, b""),
        Err(InspectError::EntryType(_))
    ));
    assert!(matches!(
        after_manifest("extra", reg, b"x"),
        Err(InspectError::Manifest(_))
    ));
    assert!(matches!(
        inspect(&tar_gz(&[("SKILL.md", reg, b"x")]), &limits),
        Err(InspectError::NoManifest)
    ));
    // A bomb: 64 MiB of zeros in one file.
    let zeros = vec![0u8; 64 << 20];
    let bomb = tar_gz(&[
        (".skillseal/manifest.json", reg, manifest),
        ("z", reg, &zeros),
    ]);
    let small = Limits {
        max_file_bytes: 128 << 20,
        ..limits
    };
    assert!(matches!(
        inspect(&bomb, &small),
        Err(InspectError::Ratio(_))
    ));
}

/// One limit for pack, the scanner and the registry: a file the scanner
/// would skip is never packed (issue 16, defect 8).
#[test]
fn a_file_over_the_scanners_limit_is_not_packed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "SKILL.md",
        "---\nname: big-data\nversion: 1.0.0\n---\n# Big\n",
    );
    let size = skillseal_model::MAX_FILE_BYTES + 1;
    fs::write(dir.path().join("data.bin"), vec![b'x'; size as usize]).unwrap();
    let refused = pack(dir.path(), &PackOptions::default()).unwrap_err();
    assert!(matches!(refused, PackError::TooLarge { .. }), "{refused}");
    assert!(refused.to_string().contains("data.bin"), "{refused}");
    fs::write(
        dir.path().join("data.bin"),
        vec![b'x'; skillseal_model::MAX_FILE_BYTES as usize],
    )
    .unwrap();
    assert!(pack(dir.path(), &PackOptions::default()).is_ok());
}
