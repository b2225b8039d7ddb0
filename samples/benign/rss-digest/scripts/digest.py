#!/usr/bin/env python3
import argparse
import time
from datetime import datetime, timezone

import feedparser
import requests


def fetch(url):
    r = requests.get(url, timeout=15, headers={"User-Agent": "rss-digest/0.8"})
    r.raise_for_status()
    return feedparser.parse(r.content)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("feeds")
    ap.add_argument("--hours", type=int, default=24)
    a = ap.parse_args()
    cutoff = time.time() - a.hours * 3600
    print(f"# Digest {datetime.now(timezone.utc):%Y-%m-%d}\n")
    for url in [l.strip() for l in open(a.feeds) if l.strip() and not l.startswith("#")]:
        try:
            feed = fetch(url)
        except Exception as e:
            print(f"<!-- skipped {url}: {e} -->")
            continue
        items = [e for e in feed.entries if time.mktime(e.get("published_parsed") or time.gmtime(0)) >= cutoff]
        if items:
            print(f"## {feed.feed.get('title', url)}\n")
            for e in items:
                print(f"- [{e.title}]({e.link})")
            print()


if __name__ == "__main__":
    main()
