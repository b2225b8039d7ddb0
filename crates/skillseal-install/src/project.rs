//! skillseal.toml, skillseal.lock and the folder they are in.

use std::path::{Path, PathBuf};

use skillseal_lock::{Lockfile, Manifest};

use crate::error::{Context as _, Error, Result};
use crate::registry::{Named, Registry};

/// The lock's file name, beside skillseal.toml.
pub const LOCK_FILE: &str = "skillseal.lock";

/// skillseal.toml, skillseal.lock and the folder they are in.
#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub manifest_path: PathBuf,
    pub manifest_text: String,
    pub manifest: Manifest,
    /// The lock as read (empty when there is none).
    pub lock: Lockfile,
    pub has_lock: bool,
}

impl Project {
    /// Reads the skillseal.toml at `manifest_path` and the lock beside it.
    pub fn load(manifest_path: &Path) -> Result<Project> {
        let manifest_path = manifest_path.to_path_buf();
        let root = manifest_path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let manifest_text = std::fs::read_to_string(&manifest_path)
            .context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest = Manifest::parse(&manifest_text)
            .map_err(|e| Error::Invalid(format!("{}: {e}", manifest_path.display())))?;
        let lock_path = root.join(LOCK_FILE);
        let (lock, has_lock) = match std::fs::read_to_string(&lock_path) {
            Ok(text) => (
                Lockfile::parse(&text)
                    .map_err(|e| Error::Invalid(format!("{}: {e}", lock_path.display())))?,
                true,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Lockfile::default(), false),
            Err(e) => {
                return Err(e).context(|| format!("cannot read {}", lock_path.display()));
            }
        };
        Ok(Project {
            root,
            manifest_path,
            manifest_text,
            manifest,
            lock,
            has_lock,
        })
    }

    pub fn install_dir(&self) -> PathBuf {
        self.root.join(&self.manifest.install_dir)
    }

    /// `--registry`, else `[registry] url`: who named it decides which
    /// token may go to it.
    pub fn registry(&self, flag: Option<&str>) -> Result<Registry> {
        match (flag, &self.manifest.registry) {
            (Some(url), _) => Registry::new(url, Named::Flag),
            (None, Some(url)) => Registry::new(url, Named::Project(self.manifest_path.clone()))
                .context(|| format!("{}: [registry] url", self.manifest_path.display())),
            (None, None) => Err(Error::Invalid(format!(
                "{}: no `[registry] url`, and no --registry given",
                self.manifest_path.display()
            ))),
        }
    }

    /// An error unless there is a lock (`verify` has nothing to compare
    /// without one).
    pub fn require_lock(&self) -> Result<()> {
        if self.has_lock {
            return Ok(());
        }
        Err(Error::Invalid(format!(
            "no skillseal.lock beside {}: nothing to verify",
            self.manifest_path.display()
        )))
    }

    pub(crate) fn save_lock(&self, lock: &Lockfile) -> Result<()> {
        let path = self.root.join(LOCK_FILE);
        crate::fs::write_atomically(&path, lock.to_toml().as_bytes())
            .context(|| format!("cannot write {}", path.display()))
    }

    /// Sets `[skills] name = requirement` for each pair, in one write.
    pub(crate) fn save_requirements(&self, requirements: &[(&str, &str)]) -> Result<()> {
        self.save_manifest(requirements, None)
    }

    /// Sets `[skills] name = requirement` for each pair and, when given,
    /// `[registry] log-key`, in one write, keeping the file's comments and
    /// layout.
    pub(crate) fn save_manifest(
        &self,
        requirements: &[(&str, &str)],
        log_key: Option<&str>,
    ) -> Result<()> {
        let mut doc: toml_edit::DocumentMut = self
            .manifest_text
            .parse()
            .context(|| format!("cannot edit {}", self.manifest_path.display()))?;
        if !doc.contains_key("skills") {
            doc["skills"] = toml_edit::table();
        }
        for (name, requirement) in requirements {
            doc["skills"][name] = toml_edit::value(*requirement);
        }
        if let Some(key) = log_key {
            if !doc.contains_key("registry") {
                doc["registry"] = toml_edit::table();
            }
            doc["registry"]["log-key"] = toml_edit::value(key);
        }
        crate::fs::write_atomically(&self.manifest_path, doc.to_string().as_bytes())
            .context(|| format!("cannot write {}", self.manifest_path.display()))
    }
}
