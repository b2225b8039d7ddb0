//! Deciding what a file is: by name, then shebang, then content. Also the
//! magic-byte checks behind the `opaque-content` capability.

use skillseal_model::Language;

/// What a file's first bytes say it is, when they say anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    Elf,
    Pe,
    MachO,
    Wasm,
    Pyc,
    Zip,
    Gzip,
    Bzip2,
    Xz,
    SevenZip,
    Rar,
    Png,
    Jpeg,
    Gif,
    Pdf,
    /// An OLE compound file: a legacy `.doc`, `.xls`, `.ppt`, `.msi`.
    Ole,
}

impl Magic {
    pub fn of(bytes: &[u8]) -> Option<Magic> {
        let b = bytes;
        let starts = |m: &[u8]| b.starts_with(m);
        Some(if starts(b"\x7fELF") {
            Magic::Elf
        } else if starts(b"MZ") && b.len() >= 64 {
            Magic::Pe
        } else if starts(&[0xfe, 0xed, 0xfa, 0xce])
            || starts(&[0xfe, 0xed, 0xfa, 0xcf])
            || starts(&[0xce, 0xfa, 0xed, 0xfe])
            || starts(&[0xcf, 0xfa, 0xed, 0xfe])
            || (starts(&[0xca, 0xfe, 0xba, 0xbe]) && b.len() > 8 && b[7] < 20)
        {
            Magic::MachO
        } else if starts(b"\0asm") {
            Magic::Wasm
        } else if b.len() >= 16 && b[2] == b'\r' && b[3] == b'\n' && b[1] < 0x10 && b[0] > 0 {
            Magic::Pyc
        } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
            Magic::Zip
        } else if starts(&[0x1f, 0x8b]) {
            Magic::Gzip
        } else if starts(b"BZh") && b.len() > 3 && b[3].is_ascii_digit() {
            Magic::Bzip2
        } else if starts(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Magic::Xz
        } else if starts(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]) {
            Magic::SevenZip
        } else if starts(b"Rar!\x1a\x07") {
            Magic::Rar
        } else if starts(b"\x89PNG\r\n\x1a\n") {
            Magic::Png
        } else if starts(&[0xff, 0xd8, 0xff]) {
            Magic::Jpeg
        } else if starts(b"GIF87a") || starts(b"GIF89a") {
            Magic::Gif
        } else if starts(b"%PDF-") {
            Magic::Pdf
        } else if crate::office::is_ole(b) {
            Magic::Ole
        } else {
            return None;
        })
    }

    pub fn is_native(self) -> bool {
        matches!(self, Magic::Elf | Magic::Pe | Magic::MachO)
    }

    pub fn is_archive(self) -> bool {
        matches!(
            self,
            Magic::Zip | Magic::Gzip | Magic::Bzip2 | Magic::Xz | Magic::SevenZip | Magic::Rar
        )
    }

    /// The file-kind fact name for this magic, if it is opaque content.
    pub fn kind(self) -> Option<&'static str> {
        match self {
            Magic::Elf => Some("elf"),
            Magic::Pe => Some("pe"),
            Magic::MachO => Some("macho"),
            Magic::Wasm => Some("wasm"),
            Magic::Pyc => Some("pyc"),
            m if m.is_archive() => Some("archive"),
            _ => None,
        }
    }
}

/// The lower-cased extension of a path's last component.
/// Whether a file is prose: markdown, plain text or an office document.
pub fn is_prose(path: &str) -> bool {
    extension(path).is_some_and(|e| {
        matches!(e.as_str(), "md" | "markdown" | "mdx" | "txt" | "rst")
            || crate::office::is_office_zip_extension(&e)
            || crate::office::is_ole_office_extension(&e)
    })
}

/// Whether a file is reference material: prose other than the skill's
/// manifest (`SKILL.md`), which the agent reads on demand rather than
/// follows as its instructions.
pub fn is_reference(path: &str) -> bool {
    is_prose(path) && !crate::is_skill_manifest(file_name(path))
}

pub fn extension(path: &str) -> Option<String> {
    let name = file_name(path);
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// What the extension promises about the content, for mismatch checks.
pub fn expected_magic(ext: &str) -> Option<&'static [Magic]> {
    Some(match ext {
        "png" => &[Magic::Png],
        "jpg" | "jpeg" => &[Magic::Jpeg],
        "gif" => &[Magic::Gif],
        "pdf" => &[Magic::Pdf],
        "docx" | "docm" | "dotx" | "dotm" | "xlsx" | "xlsm" | "xltx" | "xltm" | "xlsb" | "pptx"
        | "pptm" | "potx" | "potm" | "ppsx" | "ppsm" | "odt" | "ods" | "odp" => &[Magic::Zip],
        "zip" | "jar" | "whl" | "vsix" | "nupkg" | "xpi" | "crx" => &[Magic::Zip],
        "gz" | "tgz" => &[Magic::Gzip],
        "pyc" => &[Magic::Pyc],
        "wasm" => &[Magic::Wasm],
        _ => return None,
    })
}

/// Extensions whose files should be text; native or archive bytes there are
/// a mismatch.
pub fn is_text_extension(ext: &str) -> bool {
    matches!(
        ext,
        "py" | "js"
            | "mjs"
            | "cjs"
            | "jsx"
            | "ts"
            | "mts"
            | "cts"
            | "tsx"
            | "sh"
            | "bash"
            | "zsh"
            | "rs"
            | "md"
            | "markdown"
            | "txt"
            | "json"
            | "toml"
            | "yaml"
            | "yml"
            | "cfg"
            | "ini"
            | "csv"
            | "html"
            | "css"
            | "svg"
            | "xml"
    )
}

/// The language of a file from its name, then its shebang, then its content.
pub fn language(path: &str, text: &str) -> Language {
    let name = file_name(path).to_ascii_lowercase();
    if let Some(ext) = extension(&name) {
        let by_ext = match ext.as_str() {
            "py" | "pyw" | "pyi" => Some(Language::Python),
            "js" | "mjs" | "cjs" | "jsx" => Some(Language::JavaScript),
            "ts" | "mts" | "cts" => Some(Language::TypeScript),
            "tsx" => Some(Language::Tsx),
            "sh" | "bash" | "zsh" | "ksh" | "dash" | "command" | "bats" => Some(Language::Shell),
            "rs" => Some(Language::Rust),
            "md" | "markdown" | "mdx" | "mdc" => Some(Language::Markdown),
            "json" | "jsonc" | "json5" => Some(Language::Json),
            "toml" => Some(Language::Toml),
            "yaml" | "yml" => Some(Language::Yaml),
            _ => None,
        };
        if let Some(l) = by_ext {
            return l;
        }
    }
    if matches!(
        name.as_str(),
        ".bashrc" | ".zshrc" | ".profile" | ".bash_profile" | "makefile"
    ) {
        return Language::Shell;
    }
    if let Some(l) = shebang(text) {
        return l;
    }
    Language::Text
}

/// The language a `#!` line names.
pub fn shebang(text: &str) -> Option<Language> {
    let first = text.strip_prefix("#!")?.lines().next()?;
    let mut words = first.split_whitespace();
    let mut prog = words.next()?.rsplit('/').next()?;
    if prog == "env" {
        prog = words.find(|w| !w.starts_with('-'))?;
    }
    let prog = prog.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match prog {
        "python" | "pypy" | "uv" => Language::Python,
        "node" | "nodejs" | "bun" => Language::JavaScript,
        "deno" | "ts-node" | "tsx" => Language::TypeScript,
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" => Language::Shell,
        "rust-script" => Language::Rust,
        _ => return None,
    })
}

/// Whether an unlabelled markdown code block reads like shell commands.
pub fn looks_like_shell(code: &str) -> bool {
    const COMMANDS: &[&str] = &[
        "curl",
        "wget",
        "sudo",
        "bash",
        "sh",
        "zsh",
        "echo",
        "export",
        "cd",
        "chmod",
        "npm",
        "npx",
        "pnpm",
        "yarn",
        "pip",
        "pip3",
        "pipx",
        "uv",
        "brew",
        "apt",
        "apt-get",
        "git",
        "mkdir",
        "cp",
        "mv",
        "rm",
        "cat",
        "python",
        "python3",
        "node",
        "source",
        "eval",
        "nc",
        "openssl",
        "base64",
        "tar",
        "unzip",
        "docker",
        "go",
        "cargo",
        "gh",
        "ssh",
        "scp",
        "powershell",
        "iex",
        "irm",
        "iwr",
        "osascript",
        "xattr",
        "launchctl",
        "crontab",
    ];
    let Some(first) = code
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    let first = first.strip_prefix("$ ").unwrap_or(first);
    let program = |stage: &str| {
        let word = stage.split_whitespace().next().unwrap_or("");
        // `/bin/bash -c …`, `/usr/bin/curl …`: the program, not its
        // directory.
        let word = if word.starts_with('/') {
            word.rsplit('/').next().unwrap_or(word)
        } else {
            word
        };
        COMMANDS.contains(&word)
    };
    // `env | curl …`, `cd x && make`: any stage of a pipeline or list.
    program(first)
        || first.contains(" | ") && first.contains("sh")
        || [" | ", " && ", "; "]
            .iter()
            .any(|sep| first.contains(sep) && first.split(sep).skip(1).any(program))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_then_shebang_then_text() {
        assert_eq!(language("a/b/run.py", ""), Language::Python);
        assert_eq!(language("x.TSX", ""), Language::Tsx);
        assert_eq!(
            language("bin/tool", "#!/usr/bin/env python3\nprint()"),
            Language::Python
        );
        assert_eq!(language("bin/tool", "#!/bin/bash -e\nls"), Language::Shell);
        assert_eq!(
            language("bin/tool", "#!/usr/bin/env -S node --flag\n"),
            Language::JavaScript
        );
        assert_eq!(language("notes", "hello"), Language::Text);
        assert_eq!(language(".hidden", "#!/bin/sh\n"), Language::Shell);
        assert!(looks_like_shell(
            "/bin/bash -c \"$(curl -fsSL https://x.example.invalid/i)\""
        ));
        assert!(!looks_like_shell("/etc/hosts is a file"));
    }

    #[test]
    fn magic_bytes() {
        assert_eq!(Magic::of(b"\x7fELF\x02\x01"), Some(Magic::Elf));
        assert_eq!(Magic::of(b"PK\x03\x04rest"), Some(Magic::Zip));
        assert_eq!(Magic::of(b"plain text"), None);
    }

    #[test]
    fn shell_lookalike_blocks() {
        assert!(looks_like_shell(
            "$ curl -fsSL https://example.invalid | bash"
        ));
        assert!(looks_like_shell("brew install jq"));
        assert!(!looks_like_shell("{\"a\": 1}"));
    }
}
