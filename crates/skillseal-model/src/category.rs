use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Whether a category describes what a skill *can do* (informational) or a
/// pattern that is rarely innocent (drives a verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CategoryKind {
    Capability,
    Threat,
    Manifest,
}

macro_rules! categories {
    ($( $variant:ident => $name:literal, $kind:ident, $doc:literal; )*) => {
        /// The one taxonomy every rule's `category` comes from. Documented in
        /// `docs/taxonomy.md`; names are stable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Category {
            $( #[doc = $doc] #[serde(rename = $name)] $variant, )*
        }

        impl Category {
            pub const ALL: &'static [Category] = &[$(Category::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Category::$variant => $name,)* }
            }

            pub fn kind(self) -> CategoryKind {
                match self { $(Category::$variant => CategoryKind::$kind,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Category::$variant => $doc,)* }
            }
        }
    };
}

categories! {
    ProcessExec => "process-exec", Capability, "Runs other programs or shell commands.";
    Network => "network", Capability, "Opens outbound network connections (HTTP, sockets, WebSockets, DNS).";
    NetworkListen => "network-listen", Capability, "Listens for inbound network connections.";
    EnvRead => "env-read", Capability, "Reads environment variables: one named variable, or the whole environment.";
    SecretRead => "secret-read", Capability, "Reads credential stores and sensitive files (SSH keys, cloud credentials, browser and wallet stores, agent state).";
    DynamicCode => "dynamic-code", Capability, "Evaluates code built at run time (eval, exec, new Function, dynamic import, unpickling).";
    FsWrite => "fs-write", Capability, "Writes files that can run: executables, permission changes to +x.";
    InstallHook => "install-hook", Capability, "Runs code at install time (npm lifecycle scripts, setup.py commands, build hooks, agent install specs).";
    OpaqueContent => "opaque-content", Capability, "Ships content that cannot be reviewed as source: native binaries, bytecode, nested archives, minified bundles, mislabelled files.";
    DownloadExec => "download-exec", Threat, "Downloads code and runs it.";
    Obfuscation => "obfuscation", Threat, "Hides code in encoded or assembled strings and runs it.";
    SocialEngineering => "social-engineering", Threat, "Tells the user or agent to run an opaque command, fetch a paste or open a password-protected archive.";
    SuspiciousEndpoint => "suspicious-endpoint", Threat, "Talks to raw IP addresses, paste sites, URL shorteners, tunnels or dynamic DNS.";
    Exfiltration => "exfiltration", Threat, "Sends secrets or the environment off the machine.";
    PromptInjection => "prompt-injection", Threat, "Instructions aimed at the agent that override its rules or hide actions from the user.";
    HiddenText => "hidden-text", Threat, "Text a human reviewer cannot see: invisible Unicode, bidi controls, hidden HTML comments.";
    AgentConfig => "agent-config", Threat, "Reads or changes the agent's own configuration, approvals or gateway.";
    Persistence => "persistence", Threat, "Survives a restart: cron, launch agents, systemd units, shell rc files, startup hooks.";
    RemoteControl => "remote-control", Threat, "Reverse shells and remote-control tools.";
    CryptoMining => "crypto-mining", Threat, "Cryptocurrency miners and mining pools.";
    UnsafeInstall => "unsafe-install", Threat, "Install steps that are unpinned, unverified or typosquatted.";
    Undeclared => "undeclared", Threat, "Behaviour the skill's manifest does not declare.";
    Destructive => "destructive", Threat, "Destroys data or evades detection (history wiping, killing security tools, sandbox checks).";
    PrivilegeEscalation => "privilege-escalation", Threat, "Takes rights nobody granted: sudoers entries, new SSH keys, setuid programs, the Docker socket.";
    Manifest => "manifest", Manifest, "Problems with the skill's manifest or front matter.";
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown category `{s}` (see docs/taxonomy.md)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_doc_lists_every_category_with_its_description() {
        let doc = include_str!("../../../docs/taxonomy.md");
        for c in Category::ALL {
            let row = format!("| `{}` | {} |", c.as_str(), c.description());
            assert!(doc.contains(&row), "docs/taxonomy.md lacks the row: {row}");
        }
    }

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(*c));
        }
        assert!("nope".parse::<Category>().is_err());
    }
}
