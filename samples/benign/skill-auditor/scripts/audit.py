#!/usr/bin/env python3
"""Static, read-only skill auditor. Never executes scanned content."""
import base64
import binascii
import re
import sys
from pathlib import Path

RULES = [
    ("HIGH", "pipe to shell", re.compile(r"(curl|wget)[^\n|]*\|\s*(sudo\s+)?(ba|z)?sh\b")),
    ("HIGH", "base64 piped to shell", re.compile(r"base64\s+-[dD][^\n]*\|\s*(ba|z)?sh")),
    ("HIGH", "reverse shell", re.compile(r"/dev/tcp/|nc\s+-e\s")),
    ("MEDIUM", "credential path", re.compile(r"\.ssh/id_|\.aws/credentials|openclaw\.json")),
    ("MEDIUM", "paste site", re.compile(r"glot\.io/snippets|pastebin\.com|rentry\.co")),
    ("INFO", "subprocess", re.compile(r"subprocess\.|child_process")),
]
B64 = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")


def decoded_preview(text):
    for m in B64.finditer(text):
        try:
            s = base64.b64decode(m.group(0), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            continue
        if s.isprintable():
            yield s[:200]


def audit(root: Path):
    findings = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.stat().st_size > 1_000_000:
            continue
        text = p.read_text(errors="ignore")
        for lineno, line in enumerate(text.splitlines(), 1):
            for level, name, rx in RULES:
                if rx.search(line):
                    findings.append((level, name, f"{p.relative_to(root)}:{lineno}", line.strip()[:120]))
        for s in decoded_preview(text):
            findings.append(("MEDIUM", "decoded base64", str(p.relative_to(root)), s))
    return findings


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    order = {"HIGH": 0, "MEDIUM": 1, "INFO": 2}
    for level, name, where, snippet in sorted(audit(root), key=lambda f: order[f[0]]):
        print(f"[{level:6}] {name:22} {where}\n          {snippet}")


if __name__ == "__main__":
    main()
