#!/usr/bin/env python3
import re
import subprocess
import sys

PATTERNS = {
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b"),
    "Private key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----"),
    "Generic API key": re.compile(r"(?i)(api[_-]?key|secret)\s*[:=]\s*['\"][A-Za-z0-9_\-]{20,}['\"]"),
}
RISKY_NAMES = re.compile(r"(^|/)(\.env(\..+)?|id_rsa|id_ed25519|credentials)$")


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z", "--cached"], capture_output=True, check=True)
    return [f for f in out.stdout.decode().split("\0") if f]


def mask(s):
    return s[:4] + "…" + f"({len(s)} chars)"


def main():
    found = 0
    for f in tracked_files():
        if RISKY_NAMES.search(f):
            print(f"[file] {f}: should not be committed")
            found += 1
        try:
            text = open(f, encoding="utf-8", errors="ignore").read()
        except (IsADirectoryError, FileNotFoundError):
            continue
        for label, rx in PATTERNS.items():
            for m in rx.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                print(f"[{label}] {f}:{line}: {mask(m.group(0))}")
                found += 1
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
