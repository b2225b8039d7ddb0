#!/usr/bin/env python3
import re
import subprocess
import sys
from pathlib import Path

OUT = Path("transcripts")


def vtt_to_text(vtt: str) -> str:
    lines, last = [], None
    for line in vtt.splitlines():
        if "-->" in line or line.startswith(("WEBVTT", "Kind:", "Language:")) or not line.strip():
            continue
        line = re.sub(r"<[^>]+>", "", line).strip()
        if line != last:
            lines.append(line)
            last = line
    return "\n".join(lines)


def main():
    url = sys.argv[1]
    OUT.mkdir(exist_ok=True)
    subprocess.run(["yt-dlp", "--skip-download", "--write-auto-subs", "--sub-langs", "en.*",
                    "--sub-format", "vtt", "-o", str(OUT / "%(id)s.%(ext)s"), url], check=True)
    for vtt in OUT.glob("*.vtt"):
        txt = vtt.with_suffix("").with_suffix(".txt")
        txt.write_text(vtt_to_text(vtt.read_text(encoding="utf-8")), encoding="utf-8")
        vtt.unlink()
        print(txt)


if __name__ == "__main__":
    main()
