#!/usr/bin/env python3
import re
import sys
from datetime import date
from pathlib import Path

title = sys.argv[1] if len(sys.argv) > 1 else "meeting"
slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "meeting"
out_dir = Path.cwd() / "minutes"
out_dir.mkdir(exist_ok=True)
path = out_dir / f"{date.today():%Y-%m-%d}-{slug}.md"
n = 2
while path.exists():
    path = out_dir / f"{date.today():%Y-%m-%d}-{slug}-{n}.md"
    n += 1
path.write_text(sys.stdin.read(), encoding="utf-8")
print(path)
