#!/usr/bin/env python3
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

FORMATS = {".md": "markdown", ".docx": "docx", ".html": "html", ".epub": "epub", ".pdf": "pdf", ".rst": "rst"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--toc", action="store_true")
    ap.add_argument("--pdf-engine")
    a = ap.parse_args()

    if not shutil.which("pandoc"):
        sys.exit("pandoc not found: brew install pandoc  (or sudo apt-get install pandoc)")
    src, dst = Path(a.src), Path(a.dst)
    if dst.suffix not in FORMATS:
        sys.exit(f"unsupported output type {dst.suffix}")

    cmd = ["pandoc", str(src), "-o", str(dst), "--standalone"]
    if a.toc:
        cmd.append("--toc")
    if a.pdf_engine:
        cmd.append(f"--pdf-engine={a.pdf_engine}")
    subprocess.run(cmd, check=True)
    print(dst)


if __name__ == "__main__":
    main()
