//! `skillseal add`, `install`, `verify` and `update`: the project's pinned
//! skills. The arguments, the prompts and what the user reads live here;
//! the machinery (resolving, checking, staging, the lock) is
//! `skillseal-install`'s, whose events [`Shown`] renders.

use std::io::{BufRead as _, IsTerminal as _, Write};

use anyhow::{Result, bail};
use skillseal_install::ops::{self, verify::Problem};
use skillseal_install::{Checked, Checker, Event, Project, Reporter};
use skillseal_model::Finding;

use crate::config::{load_project, load_rules};
use crate::exit::ExitCode;

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// `NAME` or `NAME@REQUIREMENT` (`weather-forecast@^2.1`).
    pub(crate) spec: String,
    /// Install without asking.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct InstallArgs {
    /// Fail, showing the difference, when skillseal.toml and skillseal.lock
    /// disagree, instead of resolving.
    #[arg(long)]
    pub(crate) locked: bool,
    /// Use only the local cache; never ask the registry.
    #[arg(long)]
    pub(crate) offline: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// Use only the local cache for the packages' file lists.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Also re-check the lock against the registry's transparency log: its
    /// current checkpoint, consistent with the lock's, includes every
    /// locked version's entry; each scan attestation verifies.
    #[arg(long, conflicts_with = "offline")]
    pub(crate) log: bool,
}

#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    /// Only this skill [default: every skill in skillseal.toml].
    pub(crate) name: Option<String>,
    /// Update without asking.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// Accept a version signed by a different signer than the locked one.
    #[arg(long)]
    pub(crate) allow_signer_change: bool,
    /// The registry [default: `[registry] url` of skillseal.toml].
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,
}

/// `skillseal add`.
pub fn add(args: AddArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let (name, requirement) = ops::add::parse_spec(&args.spec)?;
    let project = load_project()?;
    let mut shown = Shown { out, err };
    let mut checker = checker(&project, args.registry.as_deref(), false, &mut shown)?;
    if !pin_log_key(&mut checker, args.yes, shown.err)? {
        writeln!(shown.err, "nothing changed")?;
        return Ok(ExitCode::Usage);
    }
    let checked = ops::add::resolve(&checker, &name, requirement.as_deref())?;
    let version = checked.locked.version.clone();
    summary(shown.out, &checked)?;
    checked.refuse_blocked()?;
    if !confirm(&format!("Install {name} {version}?"), args.yes, shown.err)? {
        writeln!(shown.err, "nothing changed")?;
        return Ok(ExitCode::Usage);
    }
    let requirement = ops::add::apply(&checker, &checked, requirement)?;
    writeln!(
        shown.out,
        "added {name} {version} ({requirement}) into {}/{name}",
        project.manifest.install_dir
    )?;
    Ok(ExitCode::Clean)
}

/// `skillseal install`.
pub fn install(args: InstallArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let project = load_project()?;
    if args.locked {
        ops::install::require_locked(&project)?;
    }
    let mut shown = Shown { out, err };
    let checker = checker(&project, args.registry.as_deref(), args.offline, &mut shown)?;
    if !args.offline
        && checker.log_key().is_none()
        && project.lock.log.is_none()
        && let Some(offer) = checker.remote()?.log_key()?
    {
        writeln!(
            shown.err,
            "warning: {} pins no log key: the transparency log of {} (`{}`) is not checked; \
             `skillseal update` pins it",
            project.manifest_path.display(),
            checker.remote()?.url(),
            offer.origin
        )?;
    }
    let installed = ops::install::run(&checker, &mut shown)?;
    writeln!(
        shown.out,
        "installed {installed} skill{} into {}/",
        plural(installed),
        project.manifest.install_dir
    )?;
    Ok(ExitCode::Clean)
}

/// `skillseal verify`.
pub fn verify(args: VerifyArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let project = load_project()?;
    project.require_lock()?;
    let mut shown = Shown { out, err };
    let checker = checker(&project, None, args.offline, &mut shown)?;
    if args.log {
        let proven = ops::verify::log(&checker)?;
        let from = proven.from.map_or_else(String::new, |s| {
            format!(", consistent with the lock's of size {s}")
        });
        writeln!(
            shown.out,
            "log: checkpoint of size {} (root {}){from}; {} locked entr{} included, \
             attestations verified",
            proven.size,
            proven.root,
            proven.entries,
            if proven.entries == 1 { "y" } else { "ies" }
        )?;
    }
    let problems = ops::verify::run(
        &checker,
        &mut Verified {
            out: &mut *shown.out,
            install_dir: &project.manifest.install_dir,
        },
    )?;
    if problems > 0 {
        writeln!(
            shown.out,
            "verification failed: {problems} problem{}",
            plural(problems)
        )?;
        return Ok(ExitCode::Findings);
    }
    let skills = project.lock.skills.len();
    writeln!(
        shown.out,
        "verified {skills} skill{}: every file in {}/ matches skillseal.lock",
        plural(skills),
        project.manifest.install_dir
    )?;
    Ok(ExitCode::Clean)
}

/// `skillseal update`.
pub fn update(args: UpdateArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let project = load_project()?;
    let names = ops::update::select(&project, args.name.as_deref())?;
    let mut shown = Shown { out, err };
    let mut checker = checker(&project, args.registry.as_deref(), false, &mut shown)?;
    if !pin_log_key(&mut checker, args.yes, shown.err)? {
        writeln!(shown.err, "nothing changed")?;
        return Ok(ExitCode::Usage);
    }
    let updates = ops::update::plan(&checker, &names, args.allow_signer_change, &mut shown)?;
    if updates.is_empty() {
        if ops::update::seal_only(&checker)? {
            writeln!(
                shown.out,
                "recorded the transparency log's checkpoint in skillseal.lock"
            )?;
        }
        return Ok(ExitCode::Clean);
    }
    if !confirm("Apply these updates?", args.yes, shown.err)? {
        writeln!(shown.err, "nothing changed")?;
        return Ok(ExitCode::Usage);
    }
    ops::update::apply(&checker, updates, &mut shown)?;
    Ok(ExitCode::Clean)
}

/// On first use of a registry with a transparency log (skillseal.toml pins
/// no `log-key`), shows the key it serves and asks whether to trust it;
/// the operation pins it when it writes. False: the user declined.
fn pin_log_key(checker: &mut Checker<'_>, yes: bool, err: &mut impl Write) -> Result<bool> {
    if checker.log_key().is_some() {
        return Ok(true);
    }
    let remote = checker.remote()?;
    let Some(offer) = remote.log_key()? else {
        return Ok(true);
    };
    skillseal_install::transparency::check_offer(&offer)?;
    writeln!(
        err,
        "The registry at {} keeps a transparency log; skillseal.toml pins no key for it yet.\n\
         \x20 origin: {}\n\
         \x20 key:    {}\n\
         Compare the key with the one its operator published: once pinned as \
         `[registry] log-key`, every add, install and update checks the log with it, \
         and a registry that rewrites its history is refused.",
        remote.url(),
        offer.origin,
        offer.key
    )?;
    if !confirm("Pin this log key?", yes, err)? {
        return Ok(false);
    }
    checker.trust_log_key(offer.key);
    Ok(true)
}

/// The checker of `project` with the built-in rules (the registry is
/// `--registry`'s, else skillseal.toml's; none when `offline`).
pub(crate) fn checker<'p>(
    project: &'p Project,
    registry: Option<&str>,
    offline: bool,
    reporter: &mut dyn Reporter,
) -> Result<Checker<'p>> {
    let rules = load_rules(None)?;
    Ok(Checker::new(project, &rules, registry, offline, reporter)?)
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What `add`, `install` and `update` show: results on `out`, notes and
/// warnings on `err`.
pub(crate) struct Shown<'w, O: Write, E: Write> {
    pub(crate) out: &'w mut O,
    pub(crate) err: &'w mut E,
}

impl<O: Write, E: Write> Reporter for Shown<'_, O, E> {
    fn report(&mut self, event: Event<'_>) -> std::io::Result<()> {
        let out = &mut *self.out;
        match event {
            Event::Note(note) => writeln!(self.err, "{note}"),
            Event::Checked(c) => summary(out, c),
            Event::Yanked { name, version } => writeln!(
                self.err,
                "warning: {name} {version} is yanked in the registry; it stays installed as locked (run `skillseal update {name}`)"
            ),
            Event::UpToDate { name, version } => writeln!(out, "{name} {version}: up to date"),
            Event::Planned(plan) => {
                let new = &plan.new.locked;
                let Some(o) = plan.old else {
                    return writeln!(out, "{}: new at {}", plan.name, new.version);
                };
                writeln!(out, "{} {} -> {}", plan.name, o.version, new.version)?;
                for c in new.capabilities.difference(&o.capabilities) {
                    writeln!(out, "  + capability {c}")?;
                }
                for c in o.capabilities.difference(&new.capabilities) {
                    writeln!(out, "  - capability {c}")?;
                }
                for f in &plan.new_findings {
                    writeln!(out, "  + finding {}", finding_line(f))?;
                }
                writeln!(out, "  verdict {} -> {}", o.verdict, new.verdict)?;
                if new.signer != o.signer {
                    writeln!(out, "  signer {} -> {}", o.signer, new.signer)?;
                }
                Ok(())
            }
            Event::Updated { name, version } => writeln!(out, "updated {name} to {version}"),
            Event::Problem(_) => Ok(()),
        }
    }
}

/// What `verify` shows: each problem, on `out`.
struct Verified<'w, O: Write> {
    out: &'w mut O,
    install_dir: &'w str,
}

impl<O: Write> Reporter for Verified<'_, O> {
    fn report(&mut self, event: Event<'_>) -> std::io::Result<()> {
        let (out, shown) = (&mut *self.out, self.install_dir);
        let Event::Problem(problem) = event else {
            return Ok(());
        };
        match problem {
            Problem::Symlink { name, version } => writeln!(
                out,
                "{name} {version}: {shown}/{name} is a symbolic link, not the installed folder"
            ),
            Problem::Missing { name, version } => {
                writeln!(
                    out,
                    "{name} {version}: {shown}/{name} is missing: not installed"
                )
            }
            Problem::Differs {
                name,
                version,
                diff,
            } => {
                writeln!(
                    out,
                    "{name} {version}: {shown}/{name} differs from the locked package"
                )?;
                for p in &diff.added {
                    writeln!(out, "  added     {p}")?;
                }
                for p in &diff.removed {
                    writeln!(out, "  removed   {p}")?;
                }
                for p in &diff.modified {
                    writeln!(out, "  modified  {p}")?;
                }
                Ok(())
            }
            Problem::NotLocked { name } => {
                writeln!(out, "{name}: in {shown}/ but not in skillseal.lock")
            }
        }
    }
}

/// A package about to be installed: its signer, capabilities, verdict and
/// findings.
pub(crate) fn summary(out: &mut impl Write, c: &Checked) -> std::io::Result<()> {
    let l = &c.locked;
    writeln!(out, "{} {}", l.name, l.version)?;
    writeln!(out, "  signer:       {}", l.signer)?;
    writeln!(
        out,
        "  capabilities: {}",
        if l.capabilities.is_empty() {
            "none".to_string()
        } else {
            l.capabilities
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        }
    )?;
    writeln!(out, "  verdict:      {} (local scan)", l.verdict)?;
    for f in &c.report.findings {
        writeln!(out, "  {}", finding_line(f))?;
    }
    Ok(())
}

fn finding_line(f: &Finding) -> String {
    format!(
        "{} {} {}:{}: {}",
        f.severity, f.rule, f.file, f.line, f.message
    )
}

/// `--yes`, or an answer at a terminal.
pub(crate) fn confirm(question: &str, yes: bool, err: &mut impl Write) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question} needs confirmation: pass --yes to proceed without a terminal");
    }
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
