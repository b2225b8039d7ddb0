//! `skillseal-bench real`: the real-world corpus. 50 popular PyPI and npm
//! packages, pinned in `data/real-packages.txt`, downloaded with the
//! ordinary clients into a cache folder and unpacked there; the phases then
//! run on the unpacked folders, one input path per package, as
//! `skillseal scan PKG...` would.
//!
//! Layout of the cache folder:
//!
//! ```text
//! downloads/pypi/django-5.1.4/Django-5.1.4-py3-none-any.whl
//! downloads/npm/babel__core-7.26.0/babel-core-7.26.0.tgz
//! corpus/pypi-django-5.1.4/...            (one input path per package)
//! corpus-copy/pypi-django-5.1.4/...       (hard links, for --scale 2)
//! ```
//!
//! Nothing from a package is executed: wheels and `npm pack` tarballs are
//! downloaded, not installed, and unpacked here (regular files only; an
//! entry with an absolute or `..` path, a link or a device is refused).

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// The pinned package list.
pub const PACKAGES: &str = include_str!("../data/real-packages.txt");

/// File name extensions counted as code in the MB-of-code figures.
pub const CODE_EXTS: &[&str] = &["py", "js", "mjs", "cjs", "ts", "tsx", "sh", "rs"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub eco: Eco,
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eco {
    Pypi,
    Npm,
}

impl Eco {
    fn as_str(self) -> &'static str {
        match self {
            Eco::Pypi => "pypi",
            Eco::Npm => "npm",
        }
    }
}

impl Package {
    /// `@babel/core` -> `babel__core`: a name usable as one path component.
    fn safe_name(&self) -> String {
        self.name.trim_start_matches('@').replace('/', "__")
    }

    /// The folder the package's archive is downloaded into.
    fn download_dir(&self, cache: &Path) -> PathBuf {
        cache
            .join("downloads")
            .join(self.eco.as_str())
            .join(format!("{}-{}", self.safe_name(), self.version))
    }

    /// The folder the package is unpacked into, below `corpus/`.
    pub fn folder(&self) -> String {
        format!(
            "{}-{}-{}",
            self.eco.as_str(),
            self.safe_name(),
            self.version
        )
    }
}

/// Parse the package list: `ECOSYSTEM NAME VERSION` a line, `#` comments.
pub fn parse_list(text: &str) -> Result<Vec<Package>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [eco, name, version] = words.as_slice() else {
            return Err(format!("line {}: expected ECOSYSTEM NAME VERSION", i + 1));
        };
        let eco = match *eco {
            "pypi" => Eco::Pypi,
            "npm" => Eco::Npm,
            other => return Err(format!("line {}: unknown ecosystem {other}", i + 1)),
        };
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@/._-".contains(c))
                && !s.contains("..")
        };
        if !ok(name) || !ok(version) || version.contains('/') {
            return Err(format!("line {}: bad name or version", i + 1));
        }
        out.push(Package {
            eco,
            name: (*name).to_string(),
            version: (*version).to_string(),
        });
    }
    Ok(out)
}

fn is_archive(p: &Path) -> bool {
    let n = p.to_string_lossy();
    n.ends_with(".whl") || n.ends_with(".zip") || n.ends_with(".tgz") || n.ends_with(".tar.gz")
}

/// The archive already downloaded for `pkg`, if any.
fn downloaded(pkg: &Package, cache: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(pkg.download_dir(cache))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_archive(p))
        .collect();
    found.sort();
    found.pop()
}

/// Download `pkg` unless its archive is in the cache already; the archive.
pub fn download(pkg: &Package, cache: &Path) -> Result<PathBuf, String> {
    if let Some(p) = downloaded(pkg, cache) {
        return Ok(p);
    }
    let dir = pkg.download_dir(cache);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut cmd = match pkg.eco {
        // Wheels only: an sdist's metadata comes from running its build
        // backend. A fixed interpreter and platform keep the choice of
        // wheel the same on every machine.
        Eco::Pypi => {
            let mut c = Command::new("pip");
            c.args([
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                "3.12",
                "--implementation",
                "cp",
                "--platform",
                "manylinux2014_x86_64",
                "--abi",
                "cp312",
                "--abi",
                "abi3",
                "--abi",
                "none",
                "--quiet",
                "-d",
            ])
            .arg(&dir)
            .arg(format!("{}=={}", pkg.name, pkg.version));
            c
        }
        // `npm pack` fetches the published tarball; it runs no scripts of a
        // package it did not build.
        Eco::Npm => {
            let mut c = Command::new("npm");
            c.args(["pack", "--silent"])
                .arg(format!("{}@{}", pkg.name, pkg.version))
                .arg("--pack-destination")
                .arg(&dir);
            c
        }
    };
    let out = cmd
        .output()
        .map_err(|e| format!("{} {}: {e}", pkg.eco.as_str(), pkg.name))?;
    if !out.status.success() {
        return Err(format!(
            "downloading {} {} {} failed: {}",
            pkg.eco.as_str(),
            pkg.name,
            pkg.version,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    downloaded(pkg, cache).ok_or_else(|| format!("{}: no archive after download", dir.display()))
}

/// What unpacking one archive did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unpacked {
    pub files: u64,
    pub bytes: u64,
    /// Entries refused: absolute or `..` paths, links, devices.
    pub refused: u64,
}

/// A path from an archive as a relative path of normal components only.
pub fn safe_rel(raw: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in raw.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

fn write_entry(dest: &Path, rel: &Path, r: &mut dyn Read) -> Result<u64, String> {
    let path = dest.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    // A later entry of the same name replaces the earlier one; never
    // through a link (the unpacker creates none, but be plain about it).
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(format!("{}: exists and is not a file", path.display()));
    }
    let mut f = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::io::copy(r, &mut f).map_err(|e| format!("{}: {e}", path.display()))
}

/// Unpack a wheel/zip or a `.tgz` into `dest` (created).
pub fn unpack(archive: &Path, dest: &Path) -> Result<Unpacked, String> {
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let mut u = Unpacked::default();
    let bytes = std::fs::read(archive).map_err(|e| format!("{}: {e}", archive.display()))?;
    // Regular files at relative paths are written; directories skipped;
    // links, devices, other paths refused (pax headers and GNU long names
    // are read by `tar` itself).
    let mut visit = |mut entry: skillseal_archive::Entry<'_>| -> Result<(), Unreadable> {
        use std::os::unix::ffi::OsStrExt as _;
        if entry.kind == skillseal_archive::Kind::Directory {
            return Ok(());
        }
        let rel = safe_rel(Path::new(std::ffi::OsStr::from_bytes(&entry.raw_path)));
        match rel {
            Some(rel) if entry.kind == (skillseal_archive::Kind::File { regular: true }) => {
                let data = entry.read()?.unwrap_or_default();
                u.bytes +=
                    write_entry(dest, &rel, &mut data.as_slice()).map_err(Unreadable::Other)?;
                u.files += 1;
            }
            _ => u.refused += 1,
        }
        Ok(())
    };
    let name = archive.to_string_lossy();
    if name.ends_with(".whl") || name.ends_with(".zip") {
        skillseal_archive::read_zip(&bytes, &TRUSTED, &mut visit)
    } else {
        let gz = flate2::read::GzDecoder::new(bytes.as_slice());
        skillseal_archive::read_tar(gz, bytes.len() as u64, &TRUSTED, &mut visit)
    }
    .map_err(|e| match e {
        Unreadable::Archive(skillseal_archive::Error::ZipEntry(i, e)) => {
            format!("{}: entry {i}: {e}", archive.display())
        }
        Unreadable::Archive(
            skillseal_archive::Error::NotTar(e)
            | skillseal_archive::Error::TarEntry(_, e)
            | skillseal_archive::Error::Read(e),
        ) => format!("{}: {e}", archive.display()),
        Unreadable::Archive(skillseal_archive::Error::NotZip(e)) => {
            format!("{}: {e}", archive.display())
        }
        Unreadable::Archive(e) => format!("{}: {e}", archive.display()),
        Unreadable::Other(message) => message,
    })?;
    Ok(u)
}

/// Why an archive could not be unpacked.
enum Unreadable {
    Archive(skillseal_archive::Error),
    /// Writing a file (the message names it).
    Other(String),
}

impl From<skillseal_archive::Error> for Unreadable {
    fn from(e: skillseal_archive::Error) -> Self {
        Unreadable::Archive(e)
    }
}

/// The pinned packages come from PyPI and npm at fixed versions: read
/// whole, with limits no real package reaches.
const TRUSTED: skillseal_archive::Limits = skillseal_archive::Limits {
    max_entries: usize::MAX,
    max_file_bytes: 1 << 40,
    max_total_bytes: 1 << 40,
    max_ratio: 1 << 20,
};

/// Download and unpack every package that is not unpacked yet; the input
/// folders, in list order. A package unpacks into `NAME.partial` first and
/// is renamed when complete, so an interrupted run starts it again.
pub fn prepare(pkgs: &[Package], cache: &Path) -> Result<Vec<PathBuf>, String> {
    let corpus = cache.join("corpus");
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let mut dirs = Vec::new();
    for pkg in pkgs {
        let dest = corpus.join(pkg.folder());
        if !dest.is_dir() {
            let archive = download(pkg, cache)?;
            let partial = corpus.join(format!("{}.partial", pkg.folder()));
            if partial.exists() {
                std::fs::remove_dir_all(&partial)
                    .map_err(|e| format!("{}: {e}", partial.display()))?;
            }
            let u = unpack(&archive, &partial)?;
            std::fs::rename(&partial, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
            println!(
                "unpacked {} {} {}: {} files, {:.1} MB{}",
                pkg.eco.as_str(),
                pkg.name,
                pkg.version,
                u.files,
                u.bytes as f64 / 1e6,
                if u.refused > 0 {
                    format!(", {} entries refused", u.refused)
                } else {
                    String::new()
                }
            );
        }
        dirs.push(dest);
    }
    Ok(dirs)
}

/// A hard-linked copy of each folder under `cache/corpus-copy/` (made once),
/// so the corpus can be scanned twice without twice the disk.
pub fn linked_copy(dirs: &[PathBuf], cache: &Path) -> Result<Vec<PathBuf>, String> {
    let root = cache.join("corpus-copy");
    let mut out = Vec::new();
    for d in dirs {
        let name = d.file_name().ok_or("corpus folder without a name")?;
        let dest = root.join(name);
        if !dest.is_dir() {
            let partial = root.join(format!("{}.partial", name.to_string_lossy()));
            if partial.exists() {
                std::fs::remove_dir_all(&partial)
                    .map_err(|e| format!("{}: {e}", partial.display()))?;
            }
            link_tree(d, &partial)?;
            std::fs::rename(&partial, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
        out.push(dest);
    }
    Ok(out)
}

fn link_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let rd = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for e in rd {
        let e = e.map_err(|e| format!("{}: {e}", from.display()))?;
        let t = e.file_type().map_err(|e| e.to_string())?;
        let target = to.join(e.file_name());
        if t.is_dir() {
            link_tree(&e.path(), &target)?;
        } else if t.is_file() {
            std::fs::hard_link(e.path(), &target)
                .map_err(|err| format!("{}: {err}", target.display()))?;
        }
    }
    Ok(())
}

/// Whether `path` names a code file by its extension.
pub fn is_code(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| CODE_EXTS.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_list_parses_with_fifty_packages_about_half_each() {
        let pkgs = parse_list(PACKAGES).unwrap();
        assert_eq!(pkgs.len(), 50);
        let pypi = pkgs.iter().filter(|p| p.eco == Eco::Pypi).count();
        assert!((20..=30).contains(&pypi), "{pypi} PyPI packages");
        let mut folders: Vec<String> = pkgs.iter().map(Package::folder).collect();
        folders.sort();
        folders.dedup();
        assert_eq!(folders.len(), 50, "folder names are distinct");
    }

    #[test]
    fn bad_lines_are_refused() {
        assert!(parse_list("pypi django").is_err());
        assert!(parse_list("cargo serde 1.0.0").is_err());
        assert!(parse_list("npm ../x 1.0.0").is_err());
        assert!(parse_list("npm x 1/2").is_err());
    }

    #[test]
    fn traversal_paths_are_refused() {
        assert_eq!(safe_rel(Path::new("../etc/passwd")), None);
        assert_eq!(safe_rel(Path::new("/etc/passwd")), None);
        assert_eq!(safe_rel(Path::new("a/../../b")), None);
        assert_eq!(
            safe_rel(Path::new("./package/index.js")),
            Some(PathBuf::from("package/index.js"))
        );
    }

    #[test]
    fn a_tarball_unpacks_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let tgz = dir.path().join("p.tgz");
        {
            let f = std::fs::File::create(&tgz).unwrap();
            let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
            let mut b = tar::Builder::new(gz);
            let mut h = tar::Header::new_gnu();
            h.set_size(3);
            h.set_mode(0o644);
            b.append_data(&mut h, "package/a.js", &b"x=1"[..]).unwrap();
            let mut l = tar::Header::new_gnu();
            l.set_entry_type(tar::EntryType::Symlink);
            l.set_size(0);
            b.append_link(&mut l, "package/link", "/etc/passwd")
                .unwrap();
            b.into_inner().unwrap().finish().unwrap();
        }
        let out = dir.path().join("out");
        let u = unpack(&tgz, &out).unwrap();
        assert_eq!((u.files, u.bytes, u.refused), (1, 3, 1));
        assert_eq!(std::fs::read(out.join("package/a.js")).unwrap(), b"x=1");
        assert!(!out.join("package/link").exists());
    }

    #[test]
    fn code_extensions() {
        assert!(is_code("a/b.py") && is_code("x.d.ts") && is_code("y.mjs"));
        assert!(!is_code("package.json") && !is_code("README.md") && !is_code("py"));
    }
}
