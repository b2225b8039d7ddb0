#!/usr/bin/env python3
import argparse
import sys
import unicodedata
from pathlib import Path

ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def is_tag(ch):
    return 0xE0000 <= ord(ch) <= 0xE007F


def scan(path):
    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        for col, ch in enumerate(line, 1):
            if ch in ZERO_WIDTH or ch in BIDI or is_tag(ch):
                yield lineno, col, f"U+{ord(ch):04X}", unicodedata.name(ch, "UNKNOWN")


def strip_zero_width(path):
    text = path.read_text(encoding="utf-8")
    clean = "".join(c for c in text if c not in ZERO_WIDTH)
    if clean != text:
        path.write_text(clean, encoding="utf-8")
        return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--fix", action="store_true")
    a = ap.parse_args()
    hits = 0
    for p in Path(a.root).rglob("*"):
        if p.is_file() and p.suffix in {".md", ".py", ".js", ".ts", ".rs", ".sh", ".json", ".yaml", ".yml"}:
            for lineno, col, cp, name in scan(p):
                hits += 1
                print(f"{p}:{lineno}:{col}: {cp} {name}")
            if a.fix and p.suffix == ".md" and strip_zero_width(p):
                print(f"fixed {p}")
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
