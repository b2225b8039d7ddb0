use std::collections::BTreeMap;
use std::process::Command;

fn git_log(repo: &str) -> std::io::Result<String> {
    let out = Command::new("git")
        .args(["-C", repo, "log", "--no-merges", "--format=%an\t%cs"])
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Other,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn main() {
    let repo = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    let log = match git_log(&repo) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("git failed: {e}");
            std::process::exit(1);
        }
    };
    let mut authors: BTreeMap<&str, usize> = BTreeMap::new();
    let mut months: BTreeMap<&str, usize> = BTreeMap::new();
    for line in log.lines() {
        if let Some((author, date)) = line.split_once('\t') {
            *authors.entry(author).or_default() += 1;
            *months.entry(&date[..7]).or_default() += 1;
        }
    }
    let mut by_count: Vec<_> = authors.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1));
    println!("{:<30} {:>7}", "author", "commits");
    for (a, n) in by_count.iter().take(20) {
        println!("{a:<30} {n:>7}");
    }
    println!();
    for (m, n) in months {
        println!("{m} {}", "#".repeat((n).min(60)));
    }
}
