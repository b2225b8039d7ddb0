#!/usr/bin/env python3
import argparse
import json
import os
import sys
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("text")
    ap.add_argument("--title")
    a = ap.parse_args()

    url = os.environ.get("SLACK_WEBHOOK_URL")
    if not url:
        sys.exit("SLACK_WEBHOOK_URL is not set")

    blocks = []
    if a.title:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": a.title}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": a.text}})
    req = urllib.request.Request(url, data=json.dumps({"text": a.text, "blocks": blocks}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        print("sent" if r.status == 200 else f"HTTP {r.status}")


if __name__ == "__main__":
    main()
