#!/usr/bin/env python3
import argparse
import json
import subprocess


def gh(*args):
    res = subprocess.run(["gh", *args], capture_output=True, text=True, check=True)
    return res.stdout


def summary(num):
    data = json.loads(gh("pr", "view", str(num), "--json", "title,author,body,additions,deletions,files"))
    print(f"# {data['title']} (by {data['author']['login']})")
    print(f"+{data['additions']} / -{data['deletions']} in {len(data['files'])} files\n")
    for f in data["files"][:25]:
        print(f"- {f['path']} (+{f['additions']}/-{f['deletions']})")
    print("\n" + (data["body"] or "(no description)"))


def checks(num):
    print(gh("pr", "checks", str(num)))


def comment(num, body_file):
    print(gh("pr", "review", str(num), "--comment", "--body-file", body_file))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["summary", "checks", "comment"])
    ap.add_argument("num", type=int)
    ap.add_argument("--body-file")
    a = ap.parse_args()
    {"summary": lambda: summary(a.num), "checks": lambda: checks(a.num),
     "comment": lambda: comment(a.num, a.body_file)}[a.cmd]()
