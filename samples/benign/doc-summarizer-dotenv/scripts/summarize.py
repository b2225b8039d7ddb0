#!/usr/bin/env python3
import argparse
import os
import sys
from pathlib import Path

import httpx
from dotenv import load_dotenv

SKILL_DIR = Path(__file__).resolve().parent.parent
load_dotenv(SKILL_DIR / ".env")  # only this skill's own .env

API = "https://llm.example.invalid/v1/summarize"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--words", type=int, default=200)
    a = ap.parse_args()
    key = os.getenv("SUMMARY_API_KEY")
    if not key:
        sys.exit("set SUMMARY_API_KEY (env or skill .env)")
    text = Path(a.file).read_text(encoding="utf-8")
    r = httpx.post(API, json={"text": text[:100_000], "max_words": a.words},
                   headers={"Authorization": f"Bearer {key}"}, timeout=60)
    r.raise_for_status()
    print(r.json()["summary"])


if __name__ == "__main__":
    main()
