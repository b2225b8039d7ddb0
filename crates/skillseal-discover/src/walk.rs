//! Walking a directory: no symlink is followed, `.git/` is skipped, and
//! the file-count and depth limits apply.

use crate::{Entry, Flag, Limits, Listing, Source, io_message};
use skillseal_model::ScanError;
use std::path::Path;

pub(crate) fn list_dir(root: &Path, limits: &Limits) -> Listing {
    let mut out = Listing::default();
    let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
    let mut count = 0usize;
    while let Some((dir, rel_dir, depth)) = stack.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                out.errors.push(ScanError {
                    path: dir.display().to_string(),
                    message: io_message(&e),
                });
                continue;
            }
        };
        let mut children: Vec<_> = rd.filter_map(|e| e.ok()).collect();
        children.sort_by_key(|e| e.file_name());
        for child in children {
            let name = child.file_name().to_string_lossy().to_string();
            let rel = if rel_dir.is_empty() {
                name.clone()
            } else {
                format!("{rel_dir}/{name}")
            };
            let Ok(ft) = child.file_type() else {
                out.errors.push(ScanError {
                    path: child.path().display().to_string(),
                    message: "cannot read file type".into(),
                });
                continue;
            };
            if ft.is_symlink() {
                let escapes = link_escapes(root, &child.path());
                out.flags.push(Flag {
                    rel,
                    kind: if escapes { "symlink-escape" } else { "symlink" },
                });
            } else if ft.is_dir() {
                if name == ".git" {
                    continue;
                }
                if depth + 1 > limits.max_depth {
                    out.errors.push(ScanError {
                        path: child.path().display().to_string(),
                        message: format!(
                            "skipped: deeper than {} directory levels",
                            limits.max_depth
                        ),
                    });
                    continue;
                }
                stack.push((child.path(), rel, depth + 1));
            } else if ft.is_file() {
                count += 1;
                if count > limits.max_files {
                    out.errors.push(ScanError {
                        path: root.display().to_string(),
                        message: format!(
                            "stopped after {} files (the file count limit)",
                            limits.max_files
                        ),
                    });
                    return out;
                }
                let size = child.metadata().map(|m| m.len()).unwrap_or(0);
                out.entries.push(Entry {
                    rel,
                    source: Source::Disk(child.path()),
                    size,
                });
            } else {
                out.flags.push(Flag {
                    rel,
                    kind: "special-file",
                });
            }
        }
    }
    out
}

/// Whether a symlink's target lies outside `root` (or cannot be resolved).
fn link_escapes(root: &Path, link: &Path) -> bool {
    let Ok(target) = std::fs::read_link(link) else {
        return true;
    };
    let base = link.parent().unwrap_or(root);
    let joined = if target.is_absolute() {
        target
    } else {
        base.join(target)
    };
    let (Ok(root), Ok(resolved)) = (root.canonicalize(), joined.canonicalize()) else {
        return true;
    };
    !resolved.starts_with(root)
}
