#!/usr/bin/env python3
import argparse
from pathlib import Path

from pypdf import PdfReader

ap = argparse.ArgumentParser()
ap.add_argument("pdf")
ap.add_argument("--pages")
ap.add_argument("--meta", action="store_true")
ap.add_argument("--out", action="store_true")
a = ap.parse_args()

r = PdfReader(a.pdf)
if a.meta:
    for k, v in (r.metadata or {}).items():
        print(f"{k.lstrip('/')}: {v}")
    print(f"Pages: {len(r.pages)}")
else:
    lo, hi = 1, len(r.pages)
    if a.pages:
        lo, hi = (int(x) for x in a.pages.split("-"))
    text = "\n\f\n".join((r.pages[i].extract_text() or "") for i in range(lo - 1, hi))
    if a.out:
        p = Path(a.pdf).with_suffix(".txt")
        p.write_text(text, encoding="utf-8")
        print(p)
    else:
        print(text)
