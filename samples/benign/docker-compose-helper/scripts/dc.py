#!/usr/bin/env python3
import argparse
import json
import subprocess
import sys


def compose(*args, capture=False):
    cmd = ["docker", "compose", *args]
    if capture:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return subprocess.run(cmd).returncode


def health():
    rows = [json.loads(l) for l in compose("ps", "--format", "json", capture=True).splitlines() if l.strip()]
    for r in rows:
        state = r.get("Health") or r.get("State")
        mark = "OK " if state in ("healthy", "running") else "!! "
        print(f"{mark}{r['Service']:20} {state}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["up", "down", "logs", "health", "ps"])
    ap.add_argument("service", nargs="?")
    ap.add_argument("--tail", default="200")
    a = ap.parse_args()
    if a.cmd == "up":
        sys.exit(compose("up", "-d"))
    if a.cmd == "down":
        sys.exit(compose("down"))
    if a.cmd == "logs":
        sys.exit(compose("logs", "--tail", a.tail, *([a.service] if a.service else [])))
    if a.cmd == "ps":
        sys.exit(compose("ps"))
    health()
