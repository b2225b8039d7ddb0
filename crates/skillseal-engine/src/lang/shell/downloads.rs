//! Download, then run, without a pipe: `curl -o f URL; sh f`,
//! `wget URL && bash install.sh`, `curl -fsSLo t URL && chmod +x t && ./t`.
//! The walk records the files a download command writes; a later command
//! that runs one of them (as the program, or as the script a shell or
//! interpreter is given) is reported as a `<run-downloaded>` command
//! naming the file, which `DLX007` matches. Python and JavaScript argument
//! vectors (`subprocess.run(['curl', '-o', p, URL])`, then
//! `subprocess.run(['bash', p])`) are followed the same way, one file at
//! a time (`lang::argv_command`).

use foldhash::HashSet;

/// Programs that run the file they are given as their first operand.
const RUNNERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "ash",
    "fish",
    "source",
    ".",
    "python",
    "python3",
    "perl",
    "ruby",
    "node",
    "php",
    "pwsh",
    "powershell",
];

#[derive(Default)]
pub(crate) struct Downloads {
    files: HashSet<String>,
}

/// A path as written, without a leading `./`.
fn normal(path: &str) -> &str {
    path.trim_start_matches("./")
}

/// The last path segment of a URL (what `wget URL` and `curl -O URL`
/// save as), without a query.
fn remote_name(url: &str) -> Option<&str> {
    let path = url.split_once("://")?.1;
    let path = path.split(['?', '#']).next()?;
    let name = path.rsplit_once('/')?.1;
    (!name.is_empty()).then_some(name)
}

impl Downloads {
    /// `name args…` writes files: record them.
    pub(crate) fn command(&mut self, name: &str, args: &[String]) {
        let url = || args.iter().find(|a| a.contains("://"));
        let mut out: Vec<&str> = Vec::new();
        match name {
            "curl" => {
                let mut it = args.iter().peekable();
                while let Some(a) = it.next() {
                    match a.as_str() {
                        "-o" | "--output" => out.extend(it.next().map(String::as_str)),
                        "-O" | "--remote-name" => out.extend(url().and_then(|u| remote_name(u))),
                        // `-fsSLo file`: combined short flags ending in `o`.
                        s if s.starts_with('-') && !s.starts_with("--") && s.ends_with('o') => {
                            out.extend(it.next().map(String::as_str));
                        }
                        s if s.starts_with('-') && !s.starts_with("--") && s.ends_with('O') => {
                            out.extend(url().and_then(|u| remote_name(u)));
                        }
                        _ => {}
                    }
                }
            }
            "wget" => {
                let mut named = false;
                let mut it = args.iter();
                while let Some(a) = it.next() {
                    let a = a.as_str();
                    if a == "-O" || a == "--output-document" {
                        named = true;
                        out.extend(it.next().map(String::as_str));
                    } else if let Some(f) = a.strip_prefix("--output-document=") {
                        named = true;
                        out.push(f);
                    } else if a.starts_with('-') && !a.starts_with("--") && a.contains('O') {
                        // `-qO file`, `-qO-` (standard output: nothing saved).
                        named = true;
                        match a.split_once('O').map(|(_, rest)| rest) {
                            Some("") => out.extend(it.next().map(String::as_str)),
                            Some("-") => {}
                            Some(f) => out.push(f),
                            None => {}
                        }
                    }
                }
                if !named {
                    out.extend(url().and_then(|u| remote_name(u)));
                }
            }
            _ => {}
        }
        for f in out {
            if f != "-" {
                self.files.insert(normal(f).to_string());
            }
        }
    }

    /// The downloaded file `name args…` runs, if it runs one.
    /// `program` is the command's first word as written (`./t`,
    /// `/tmp/t`), `name` the program it resolves to (`bash` for
    /// `sudo /bin/bash`).
    pub(crate) fn runs(&self, program: &str, name: &str, args: &[String]) -> Option<String> {
        if self.files.is_empty() {
            return None;
        }
        let program = normal(program);
        if self.files.contains(program) {
            return Some(program.to_string());
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        if RUNNERS.contains(&base) {
            let operand = args.iter().find(|a| !a.starts_with('-'))?;
            let operand = normal(operand);
            if self.files.contains(operand) {
                return Some(operand.to_string());
            }
        }
        None
    }
}
