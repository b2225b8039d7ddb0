#!/usr/bin/env python3
import argparse
import base64
import mimetypes
import os
import sys
from pathlib import Path

import requests

API = "https://vision.example.invalid/v1/caption"
MAX = 5 * 1024 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("--style", choices=["alt", "caption", "detailed"], default="alt")
    a = ap.parse_args()

    p = Path(a.image)
    data = p.read_bytes()
    if len(data) > MAX:
        sys.exit("image too large (max 5 MB)")
    mime = mimetypes.guess_type(p.name)[0] or "image/jpeg"
    payload = {
        "image": {"mime_type": mime, "data": base64.b64encode(data).decode("ascii")},
        "style": a.style,
    }
    r = requests.post(API, json=payload, headers={"Authorization": f"Bearer {os.environ['VISION_API_KEY']}"}, timeout=30)
    r.raise_for_status()
    print(r.json()["text"])


if __name__ == "__main__":
    main()
