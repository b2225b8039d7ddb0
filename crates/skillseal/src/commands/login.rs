//! `skillseal login` and `skillseal logout`: store or remove the token for
//! one registry in the credentials file (`skillseal_install::credentials`).

use std::io::{BufRead as _, IsTerminal as _, Read as _, Write};

use anyhow::{Context, Result, bail};

use crate::exit::ExitCode;
use skillseal_install::credentials::{path, read_existing, store, with_token, without_token};
use skillseal_install::registry::{self, Named, Registry, Token};

#[derive(clap::Args, Debug)]
pub struct LoginArgs {
    /// The registry the token is for: it will be sent to this origin
    /// (scheme://host[:port]) and no other. Required: a project's
    /// skillseal.toml never chooses where a token goes.
    #[arg(long, value_name = "URL")]
    registry: String,
    /// Store the token without asking the registry whether it accepts it.
    #[arg(long)]
    no_verify: bool,
}

#[derive(clap::Args, Debug)]
pub struct LogoutArgs {
    /// The registry whose stored token to remove.
    #[arg(long, value_name = "URL")]
    registry: String,
}

/// The token: from standard input when it is not a terminal (one line),
/// else asked for without echo. Never an argument: it would show in `ps`.
fn read_token(origin: &str) -> Result<Token> {
    let text = if std::io::stdin().is_terminal() {
        zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("Token for {origin} (input hidden): "))
                .context("cannot read the token")?,
        )
    } else {
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .take(4096)
            .read_line(&mut line)
            .context("cannot read the token from standard input")?;
        line
    };
    let token = text.trim();
    if token.is_empty() {
        bail!(
            "no token: pipe it to standard input or run in a terminal to be asked \
             (it is never taken from an argument)"
        );
    }
    if !registry::looks_like_token(token) {
        bail!("that is not a skillseal token (`skillseal_` and 43 more characters)");
    }
    Ok(Token::new(token.to_string()))
}

/// `skillseal login --registry URL`: read a token, check the registry
/// accepts it, store it for that origin.
pub fn login(args: LoginArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let registry = Registry::new(&args.registry, Named::Flag)?;
    // Before asking for anything: a token for this registry could never
    // be sent.
    registry.may_carry_token()?;
    let token = read_token(&registry.origin)?;
    if !args.no_verify {
        let client =
            skillseal_install::Client::new(&registry, Some(Token::new(token.expose().into())))?;
        match client.check_token() {
            Ok(()) => {}
            Err(skillseal_install::Error::Registry(refused)) => {
                writeln!(
                    err,
                    "error: the registry at {} refused the token: {refused}; nothing stored",
                    registry.origin
                )?;
                return Ok(ExitCode::Findings);
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context("cannot check the token (--no-verify stores it unchecked)"));
            }
        }
    }
    let path = path()?;
    let text = read_existing(&path)?;
    let (text, legacy) = with_token(&text, &registry.origin, token.expose(), &path)?;
    store(&path, &zeroize::Zeroizing::new(text))?;
    if legacy {
        writeln!(
            err,
            "note: removed the top-level `token` from {}: it was bound to no registry",
            path.display()
        )?;
    }
    writeln!(
        out,
        "stored the token for {} in {}",
        registry.origin,
        path.display()
    )?;
    Ok(ExitCode::Clean)
}

/// `skillseal logout --registry URL`: remove the stored token for that
/// origin; nothing to remove is not an error.
pub fn logout(args: LogoutArgs, out: &mut impl Write, err: &mut impl Write) -> Result<ExitCode> {
    let origin = registry::origin(&args.registry)?;
    let path = path()?;
    let text = read_existing(&path)?;
    let (text, removed) = without_token(&text, &origin, &path)?;
    if removed {
        store(&path, &zeroize::Zeroizing::new(text))?;
        writeln!(
            out,
            "removed the token for {origin} from {}",
            path.display()
        )?;
    } else {
        writeln!(out, "no token stored for {origin} in {}", path.display())?;
    }
    if std::env::var_os(registry::TOKEN_VAR).is_some_and(|v| !v.is_empty()) {
        writeln!(
            err,
            "note: {} is still set in this environment",
            registry::TOKEN_VAR
        )?;
    }
    Ok(ExitCode::Clean)
}
