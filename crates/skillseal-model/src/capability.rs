use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A closed vocabulary of kebab-case names: an enum that serialises to its
/// name, parses from it, and lists every name in an error.
macro_rules! names {
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident ($what:literal, $doc_page:literal) {
            $( $variant:ident => $name:literal, $doc:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        $vis enum $enum {
            $( #[doc = $doc] #[serde(rename = $name)] $variant, )*
        }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($enum::$variant => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $($enum::$variant => $doc,)* }
            }
        }

        impl fmt::Display for $enum {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $enum {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $enum::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == s)
                    .ok_or_else(|| {
                        let known: Vec<&str> = $enum::ALL.iter().map(|c| c.as_str()).collect();
                        format!(
                            concat!("unknown ", $what, " `{}`; expected one of {} (see ", $doc_page, ")"),
                            s,
                            known.join(", ")
                        )
                    })
            }
        }
    };
}

names! {
    /// What a finding says the skill can do, as rules declare it with
    /// `capability = "…"` and reports list it (`capabilities` in JSON).
    /// Documented in `docs/taxonomy.md`; names are stable.
    pub enum Capability ("capability", "docs/taxonomy.md") {
        ProcessExec => "process-exec", "Runs other programs or shell commands.";
        Network => "network", "Opens outbound network connections.";
        NetworkListen => "network-listen", "Listens for inbound network connections.";
        EnvRead => "env-read", "Reads one named environment variable.";
        EnvReadAll => "env-read-all", "Reads the whole environment at once.";
        SecretRead => "secret-read", "Reads credential stores and sensitive files.";
        DynamicCode => "dynamic-code", "Evaluates code built at run time.";
        ExecFileWrite => "exec-file-write", "Writes a file and makes it executable.";
        InstallHook => "install-hook", "Runs code at install time.";
        OpaqueContent => "opaque-content", "Ships content that cannot be reviewed as source.";
    }
}

names! {
    /// The part a rule's findings play in the verdict's combinations
    /// (`role = "…"` in a rule; the table is in `docs/rules.md`). A role
    /// marks findings that mean little alone and much next to others.
    pub enum Role ("role", "docs/rules.md") {
        Decode => "decode", "Decodes data (base64, hex, char codes…) without running it.";
        VerifiedDownload => "verified-download", "Checks a download against a pinned digest or signature.";
        PasteStep => "paste-step", "Tells the user to paste a command into a terminal.";
        OffScreen => "off-screen", "Pushes the rest of a line off-screen with a run of spaces.";
        EditorStartup => "editor-startup", "Runs with the editor: an extension activated on start-up, a task run when the folder opens.";
        OpaqueProgram => "opaque-program", "Ships a native program or bytecode without its source.";
        AlwaysLoaded => "always-loaded", "Loads the skill into every session (`always: true`).";
        DropEndpoint => "drop-endpoint", "Names a webhook or request-capture endpoint that collects what is sent to it.";
        SecretEnv => "secret-env", "Reads an environment variable whose name says it holds a secret (`*_KEY`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`…).";
        DnsLookup => "dns-lookup", "Resolves a host name (`dig`, `nslookup`, `socket.gethostbyname`, `dns.lookup`): the name itself reaches a DNS server.";
        CredentialForward => "credential-forward", "Hands a credential to a server a config launches or connects to (an MCP server's `env` or `headers`).";
    }
}

names! {
    /// What `file-kind` matchers test: a property of a whole file, found
    /// from its content (the first group) or raised by discovery and the
    /// scan budget about a package entry (the second).
    pub enum FileKind ("file kind", "docs/rules.md") {
        Elf => "elf", "An ELF executable or library.";
        Pe => "pe", "A Windows PE executable or library.";
        MachO => "macho", "A Mach-O executable or library.";
        Wasm => "wasm", "A WebAssembly module.";
        Pyc => "pyc", "Python bytecode.";
        PycWithoutSource => "pyc-without-source", "Python bytecode whose `.py` source the skill does not ship.";
        NodeAddon => "node-addon", "A native Node addon (`.node`).";
        Archive => "archive", "A nested archive (zip, gzip, bzip2, xz, 7z, rar).";
        MagicMismatch => "magic-mismatch", "Content that disagrees with the file's extension.";
        Minified => "minified", "JavaScript with very long lines.";
        ShellScript => "shell-script", "A standalone shell script.";
        ArchiveTraversal => "archive-traversal", "An archive entry whose path leaves the package.";
        ArchiveLink => "archive-link", "A link inside an archive.";
        ArchiveBomb => "archive-bomb", "An archive that expands far beyond its size.";
        Symlink => "symlink", "A symbolic link in the package.";
        SymlinkEscape => "symlink-escape", "A symbolic link that points outside the package.";
        SpecialFile => "special-file", "A device, pipe or socket in the package.";
        NotFullyScanned => "not-fully-scanned", "A file whose scan budget ran out.";
        OfficeMacro => "office-macro", "An office document holding a VBA macro project.";
        TooLarge => "too-large", "A file over the size limit, not scanned at all.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serialise_as_strings() {
        for c in Capability::ALL {
            assert_eq!(c.as_str().parse::<Capability>(), Ok(*c));
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(*r));
        }
        let err = "exec-write".parse::<Capability>().unwrap_err();
        assert!(err.contains("exec-file-write"), "{err}");
    }

    #[test]
    fn taxonomy_doc_lists_every_capability_and_rules_doc_every_role() {
        let taxonomy = include_str!("../../../docs/taxonomy.md");
        for c in Capability::ALL {
            let row = format!("| `{}` | {} |", c.as_str(), c.description());
            assert!(
                taxonomy.contains(&row),
                "docs/taxonomy.md lacks the row: {row}"
            );
        }
        let rules = include_str!("../../../docs/rules.md");
        for r in Role::ALL {
            let row = format!("| `{}` | {} |", r.as_str(), r.description());
            assert!(rules.contains(&row), "docs/rules.md lacks the row: {row}");
        }
        for k in FileKind::ALL {
            let row = format!("| `{}` | {} |", k.as_str(), k.description());
            assert!(rules.contains(&row), "docs/rules.md lacks the row: {row}");
        }
    }
}
