//! `skillseal import-clawhub`: a ClawHub project's installed skills,
//! pinned in skillseal.toml and skillseal.lock. The arguments, the prompt
//! and the summary live here; reading ClawHub's files, the comparison and
//! the checks are `skillseal-install`'s (`clawhub`, `ops::import`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use skillseal_install::clawhub::ClawhubProject;
use skillseal_install::ops::import::{self, Outcome, Plan, Skill};
use skillseal_lock::FileDiff;

use crate::commands::project::{Shown, checker, confirm, plural, summary};
use crate::config::load_project_from;
use crate::exit::ExitCode;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Each skill in ClawHub's lock (.clawhub/lock.json, or the legacy .clawdhub/) is looked up in the \
registry at the exact version ClawHub installed (origin.json's installedVersion, else the lock's \
version). A skill whose files on disk are the registry package's files (path, size, SHA-256; \
ClawHub's .clawhub/ and .clawdhub/ folders left out, every other file compared, dot files \
included) goes through every check `skillseal add` makes and is pinned as NAME = \"=VERSION\", \
its folder replaced by the package's files. Skills the registry does not have, skills whose files \
differ, skills.sh references and owner-scoped (@owner/slug) skills are reported and left alone.

Exit status: 0 when every skill is pinned (or was already); 1 when any skill was not imported, or \
a package was refused by a check (then nothing is written); 2 when a file cannot be read or is \
malformed, the registry cannot be reached, or the confirmation is declined (nothing written).")]
pub struct ImportClawhubArgs {
    /// The ClawHub project's folder, where `.clawhub/lock.json` is; its
    /// skillseal.toml is there or in a parent.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) workdir: PathBuf,
    /// ClawHub's skills folder, relative to --workdir (clawhub's --dir);
    /// it must be skillseal.toml's install directory.
    #[arg(long, value_name = "DIR", default_value = "skills")]
    pub(crate) dir: PathBuf,
    /// Report what would be imported; write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Also pin skills whose files differ from the registry's package:
    /// their folders are replaced by the package's files (local changes
    /// are lost).
    #[arg(long)]
    pub(crate) force: bool,
    /// Import without asking.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

/// `skillseal import-clawhub`.
pub fn import(
    args: ImportClawhubArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<ExitCode> {
    let clawhub = ClawhubProject::read(&args.workdir, &args.dir)?;
    let project = load_project_from(&args.workdir)?;
    if clawhub.entries.is_empty() {
        writeln!(
            out,
            "{} lists no skills: nothing to import",
            clawhub.lock_path.display()
        )?;
        return Ok(ExitCode::Clean);
    }
    let mut shown = Shown { out, err };
    let checker = checker(&project, args.registry.as_deref(), false, &mut shown)?;
    let plan = import::plan(&checker, &clawhub, args.force)?;
    // What is about to be pinned, before the question: each package as
    // `add` shows it, and what --force replaces on disk.
    for s in &plan.skills {
        if let Outcome::Ready { checked, forced } = &s.outcome {
            summary(shown.out, checked)?;
            if let Some(diff) = forced {
                writeln!(
                    shown.out,
                    "  --force: the registry's files replace these on disk:"
                )?;
                for line in diff_lines(diff) {
                    writeln!(shown.out, "    {line}")?;
                }
            }
        }
    }
    let ready = plan.ready().count();
    if ready > 0 && !args.dry_run {
        let question = format!(
            "Pin {ready} skill{} in skillseal.toml and skillseal.lock?",
            plural(ready)
        );
        if !confirm(&question, args.yes, shown.err)? {
            writeln!(shown.err, "nothing changed")?;
            return Ok(ExitCode::Usage);
        }
        import::apply(&checker, &plan)?;
    }
    report(shown.out, &plan, args.dry_run)?;
    if ready > 0 && !args.dry_run {
        writeln!(
            shown.err,
            "note: {} still lists the imported skills: remove them there (or the file) so \
             `clawhub update` does not replace what skillseal.lock pins",
            clawhub.lock_path.display()
        )?;
    }
    Ok(if plan.complete() {
        ExitCode::Clean
    } else {
        ExitCode::Findings
    })
}

/// The summary: one section per outcome, in a fixed order, then a count.
fn report(out: &mut impl Write, plan: &Plan, dry_run: bool) -> std::io::Result<()> {
    let version = |s: &Skill| s.version.clone().unwrap_or_else(|| "?".into());
    let imported = if dry_run { "would import" } else { "imported" };
    section(out, plan, imported, |s| match &s.outcome {
        Outcome::Ready { checked, forced } => {
            let l = &checked.locked;
            let mut lines = vec![format!(
                "{} {} (={}) into {}",
                l.name,
                l.version,
                l.version,
                s.folder.display()
            )];
            if let Some(diff) = forced {
                lines[0]
                    .push_str(" --force: the registry's files replace these differences on disk");
                lines.extend(diff_lines(diff));
            }
            Some(lines)
        }
        _ => None,
    })?;
    section(out, plan, "already pinned in skillseal.lock", |s| {
        matches!(s.outcome, Outcome::AlreadyPinned)
            .then(|| vec![format!("{} {}", s.key, version(s))])
    })?;
    section(out, plan, "not found in the registry", |s| {
        let why = match &s.outcome {
            Outcome::NameNotFound => format!("no skill named {}", s.key),
            Outcome::VersionNotFound => {
                format!("the registry has {} but not this version", s.key)
            }
            Outcome::Yanked => "yanked there: `skillseal add` pins no yanked version".into(),
            _ => return None,
        };
        Some(vec![format!("{} {}: {why}", s.key, version(s))])
    })?;
    section(
        out,
        plan,
        "differs from the registry's package (not imported; --force pins the registry's files)",
        |s| {
            let Outcome::Differs { diff, edited } = &s.outcome else {
                return None;
            };
            let when = match edited {
                Some(true) => "; changed since ClawHub installed it",
                Some(false) => "; as ClawHub installed it",
                None => "",
            };
            let mut lines = vec![format!(
                "{} {}: {}{when}",
                s.key,
                version(s),
                s.folder.display()
            )];
            lines.extend(diff_lines(diff));
            Some(lines)
        },
    )?;
    section(out, plan, "not importable", |s| match &s.outcome {
        Outcome::NotImportable { reason } => Some(vec![format!("{}: {reason}", s.key)]),
        Outcome::PinnedOther { locked } => Some(vec![format!(
            "{}: ClawHub has {}, but skillseal.lock pins {locked}",
            s.key,
            version(s)
        )]),
        _ => None,
    })?;
    let total = plan.skills.len();
    let ready = plan.ready().count();
    let pinned = plan
        .skills
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::AlreadyPinned))
        .count();
    let missed = total - ready - pinned;
    let done = if dry_run { "would import" } else { "imported" };
    write!(out, "{done} {ready} of {total} skill{}", plural(total))?;
    if pinned > 0 {
        write!(out, ", {pinned} already pinned")?;
    }
    if missed > 0 {
        write!(out, ", {missed} not imported")?;
    }
    if dry_run {
        write!(out, " (dry run: nothing written)")?;
    }
    writeln!(out)
}

/// A heading and the lines `lines` gives for its skills; nothing when
/// none belongs under it.
fn section(
    out: &mut impl Write,
    plan: &Plan,
    heading: &str,
    lines: impl Fn(&Skill) -> Option<Vec<String>>,
) -> std::io::Result<()> {
    let mut first = true;
    for skill in &plan.skills {
        let Some(lines) = lines(skill) else {
            continue;
        };
        if first {
            writeln!(out, "{heading}:")?;
            first = false;
        }
        for (i, line) in lines.iter().enumerate() {
            let indent = if i == 0 { "  " } else { "    " };
            writeln!(out, "{indent}{line}")?;
        }
    }
    Ok(())
}

/// One line per differing file, as `skillseal verify` names them.
fn diff_lines(diff: &FileDiff) -> Vec<String> {
    let mut lines = Vec::new();
    for p in &diff.added {
        lines.push(format!("added     {p}  (not in the package)"));
    }
    for p in &diff.removed {
        lines.push(format!("removed   {p}  (in the package, not on disk)"));
    }
    for p in &diff.modified {
        lines.push(format!("modified  {p}"));
    }
    lines
}
