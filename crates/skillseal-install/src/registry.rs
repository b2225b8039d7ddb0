//! Which registry a command talks to, and which token may go to it.
//!
//! The registry URL comes from `--registry` or the `[registry] url` of the
//! nearest skillseal.toml. A token is bound to a registry's origin
//! (`scheme://host[:port]`), as cargo binds one to `[registries.NAME]` and
//! npm to `//host/:_authToken`:
//!
//! - a token from the credentials file ([`crate::credentials`], written by
//!   `skillseal login --registry URL`) is sent only to the origin it was
//!   stored for;
//! - `SKILLSEAL_TOKEN` is sent only to the registry given with
//!   `--registry`, never to one a project's skillseal.toml names (a cloned
//!   project must not be able to collect it);
//! - a token never travels over plain `http://` unless the host is
//!   loopback (127.0.0.0/8, ::1, `localhost`): the command fails before
//!   connecting instead;
//! - an authenticated request follows a redirect only within its origin
//!   ([`crate::client`]).
//!
//! Tokens are never taken from an argument (it would show in `ps`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use reqwest::Url;

use crate::error::{Context as _, Error, Result};

/// The variable whose token goes to the registry given with `--registry`.
pub const TOKEN_VAR: &str = "SKILLSEAL_TOKEN";

/// A registry token: never printed, wiped from memory when dropped.
pub struct Token(zeroize::Zeroizing<String>);

impl Token {
    pub fn new(text: String) -> Token {
        Token(zeroize::Zeroizing::new(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Whether `text` has the form of a skillseal token: `skillseal_` and the
/// base64url of 32 random bytes (43 characters). Anything else is refused
/// before it is stored or sent.
pub fn looks_like_token(text: &str) -> bool {
    text.strip_prefix("skillseal_").is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Who named the registry a command talks to: this decides whether
/// `SKILLSEAL_TOKEN` may go to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// `--registry` on the command line.
    Flag,
    /// `[registry] url` of this skillseal.toml.
    Project(PathBuf),
}

/// A registry URL, checked, with its origin and who named it.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The URL as given, without a trailing `/`: requests go below it.
    pub url: String,
    /// `scheme://host[:port]`, normalised: what tokens are bound to.
    pub origin: String,
    pub named: Named,
    parsed: Url,
}

impl Registry {
    pub fn new(text: &str, named: Named) -> Result<Registry> {
        let parsed = parse_registry_url(text)?;
        Ok(Registry {
            url: text.trim().trim_end_matches('/').to_string(),
            origin: origin_of(&parsed),
            named,
            parsed,
        })
    }

    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.parsed)
    }

    /// Whether a token may travel to this registry (see [`may_carry_token`]).
    pub fn may_carry_token(&self) -> Result<()> {
        may_carry_token(&self.parsed)
    }
}

/// `--registry` (`flag`), else the `[registry] url` of `project_file` (the
/// nearest skillseal.toml, looked for only without the flag).
pub fn choose_registry(flag: Option<&str>, project_file: Option<&Path>) -> Result<Registry> {
    if let Some(url) = flag {
        return Registry::new(url, Named::Flag);
    }
    if let Some(path) = project_file {
        let text =
            std::fs::read_to_string(path).context(|| format!("cannot read {}", path.display()))?;
        let manifest = skillseal_lock::Manifest::parse(&text)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        if let Some(url) = manifest.registry {
            return Registry::new(&url, Named::Project(path.to_path_buf()))
                .context(|| format!("{}: [registry] url", path.display()));
        }
    }
    Err(Error::Invalid(
        "no registry: pass --registry URL or set `[registry] url` in skillseal.toml".into(),
    ))
}

/// An `http`/`https` URL with a host and no user name, password, query or
/// fragment.
fn parse_registry_url(text: &str) -> Result<Url> {
    let url = Url::parse(text.trim())
        .context(|| format!("`{text}` is not a registry URL (https://host[:port])"))?;
    let invalid = |why: &str| {
        Err(Error::Invalid(format!(
            "`{text}` is not a registry URL: {why}"
        )))
    };
    if !matches!(url.scheme(), "http" | "https") {
        return invalid("only https:// and http:// are supported");
    }
    if url.host().is_none() {
        return invalid("it has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Invalid(format!(
            "`{}`: a registry URL must not carry a user name or password; \
             store a token with `skillseal login --registry URL`",
            origin_of(&url)
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return invalid("it has a query or fragment");
    }
    Ok(url)
}

/// `scheme://host[:port]` of an http(s) URL: host lowercased, default port
/// dropped, no path (the web's origin, as `Url` normalises it).
pub(crate) fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The normalised origin of a registry URL (as written in the credentials
/// file or given to `--registry`).
pub fn origin(text: &str) -> Result<String> {
    parse_registry_url(text).map(|u| origin_of(&u))
}

/// 127.0.0.0/8, ::1 and `localhost`, decided from the URL alone (no name
/// is looked up).
fn is_loopback(url: &Url) -> bool {
    // `Url` has already normalised the host: IPv4 in dotted decimal
    // (`127.1` and `0x7f.1` are 127.0.0.1), IPv6 in brackets, names in
    // lowercase.
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host == "localhost",
    }
}

/// A token may travel to `url` only over https, or over plain http to a
/// loopback host: anywhere else anyone on the path could read it.
fn may_carry_token(url: &Url) -> Result<()> {
    if url.scheme() == "https" || is_loopback(url) {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "refusing to send a token to {} over plain http (anyone on the network could read it): \
         use the registry's https:// URL (plain http is allowed for 127.0.0.0/8, ::1 and \
         localhost only), or unset SKILLSEAL_TOKEN / `skillseal logout --registry {}` \
         to read anonymously",
        origin_of(url),
        origin_of(url)
    )))
}

/// The token for a registry, and a note for standard error when
/// `SKILLSEAL_TOKEN` is set but not used.
pub struct Auth {
    pub token: Option<Token>,
    pub note: Option<String>,
}

/// The token bound to `registry`: `env` (`SKILLSEAL_TOKEN`) only when the
/// registry came from `--registry`, else the credentials file's entry for
/// its origin (`stored`, read only when needed).
fn choose(
    registry: &Registry,
    env: Option<String>,
    stored: impl FnOnce(&str) -> Result<Option<Token>>,
) -> Result<Auth> {
    let mut note = None;
    if let Some(t) = env.filter(|t| !t.is_empty()) {
        match &registry.named {
            Named::Flag => {
                return Ok(Auth {
                    token: Some(Token::new(t)),
                    note: None,
                });
            }
            Named::Project(path) => {
                note = Some(format!(
                    "note: {TOKEN_VAR} is not sent to {}: that registry is named by {}, and \
                     {TOKEN_VAR} goes only to a registry given with --registry",
                    registry.origin,
                    path.display()
                ));
            }
        }
    }
    Ok(Auth {
        token: stored(&registry.origin)?,
        note,
    })
}

/// The token for `registry`, if one is bound to it (see the module doc).
pub fn auth_for(registry: &Registry) -> Result<Auth> {
    choose(
        registry,
        std::env::var(TOKEN_VAR).ok(),
        crate::credentials::lookup,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A token of the right form.
    pub(crate) const A: &str = "skillseal_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    pub(crate) fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn origins_are_normalised() {
        for (given, want) in [
            ("https://Skills.EXAMPLE.com", "https://skills.example.com"),
            (
                "https://skills.example.com:443/",
                "https://skills.example.com",
            ),
            (
                "https://skills.example.com/registry/",
                "https://skills.example.com",
            ),
            ("http://skills.example.com:80", "http://skills.example.com"),
            (
                "https://skills.example.com:8443",
                "https://skills.example.com:8443",
            ),
            ("http://127.0.0.1:7171/", "http://127.0.0.1:7171"),
            ("http://[0:0::1]:7171", "http://[::1]:7171"),
            ("http://LOCALHOST:7171", "http://localhost:7171"),
        ] {
            assert_eq!(origin(given).unwrap(), want, "{given}");
        }
        for bad in [
            "skills.example.com",
            "ftp://skills.example.com",
            "file:///etc/passwd",
            "https://user:pw@skills.example.com",
            "https://skills.example.com/?token=x",
            "https://skills.example.com/#x",
            "https://",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_is_decided_from_the_url_alone() {
        for yes in [
            "http://127.0.0.1:1",
            "http://127.9.8.7",
            "http://127.1:1",
            "http://0x7f.1",
            "http://[::1]:1",
            "http://localhost:1",
            "http://LocalHost",
        ] {
            assert!(is_loopback(&url(yes)), "{yes}");
        }
        for no in [
            "http://10.0.0.1",
            "http://0.0.0.0:1",
            "http://128.0.0.1",
            "http://[::ffff:127.0.0.1]",
            "http://[::2]",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
            "http://skills.example.com",
        ] {
            assert!(!is_loopback(&url(no)), "{no}");
        }
    }

    #[test]
    fn a_token_goes_over_plain_http_only_to_loopback() {
        for ok in [
            "https://skills.example.com",
            "https://10.0.0.1:8443",
            "http://127.0.0.1:7171",
            "http://[::1]:7171",
            "http://localhost:7171",
        ] {
            assert!(may_carry_token(&url(ok)).is_ok(), "{ok}");
        }
        for refused in [
            "http://skills.example.com",
            "http://10.0.0.1:7171",
            "http://0.0.0.0:7171",
            "http://[::ffff:127.0.0.1]:7171",
        ] {
            let e = may_carry_token(&url(refused)).unwrap_err();
            assert!(e.to_string().contains("plain http"), "{e}");
        }
    }

    fn stored(origin: &str) -> Result<Option<Token>> {
        Ok((origin == "https://skills.example.com").then(|| Token::new(A.into())))
    }

    fn nothing_stored(_: &str) -> Result<Option<Token>> {
        Ok(None)
    }

    #[test]
    fn the_environment_token_goes_only_to_the_registry_given_with_the_flag() {
        let env = || Some("skillseal_from-the-environment".to_string());
        let flag = Registry::new("https://elsewhere.example.com", Named::Flag).unwrap();
        let auth = choose(&flag, env(), nothing_stored).unwrap();
        assert_eq!(
            auth.token.unwrap().expose(),
            "skillseal_from-the-environment"
        );
        assert!(auth.note.is_none());

        let project = Named::Project(PathBuf::from("/clone/skillseal.toml"));
        let named = Registry::new("http://127.0.0.1:9", project.clone()).unwrap();
        let auth = choose(&named, env(), nothing_stored).unwrap();
        assert!(auth.token.is_none());
        let note = auth.note.unwrap();
        assert!(note.contains("/clone/skillseal.toml"), "{note}");
        assert!(!note.contains("from-the-environment"), "{note}");

        // A project may name a registry a token was stored for: then that
        // token (and only that one) goes there.
        let stored_for = Registry::new("https://SKILLS.example.com/", project).unwrap();
        let auth = choose(&stored_for, env(), stored).unwrap();
        assert_eq!(auth.token.unwrap().expose(), A);
        let auth = choose(&named, None, stored).unwrap();
        assert!(auth.token.is_none());
        assert!(auth.note.is_none());
    }

    #[test]
    fn tokens_have_one_form_and_are_never_printed() {
        assert!(looks_like_token(A));
        for bad in [
            "",
            "skillseal_",
            "skillseal_short",
            &format!("{A}A"),
            &A.replace("skillseal_", "ghp_"),
            &A.replacen('A', " ", 1),
            &A.replacen('A', "/", 1),
        ] {
            assert!(!looks_like_token(bad), "{bad}");
        }
        assert_eq!(format!("{:?}", Token::new(A.into())), "Token(<redacted>)");
    }
}
