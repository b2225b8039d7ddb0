#!/usr/bin/env python3
import json
import sys
from collections import Counter

commits = json.load(open(sys.argv[1]))
authors = Counter(c["author"] for c in commits)
areas = Counter()
for c in commits:
    for f in c["files"]:
        areas[f["path"].split("/")[0]] += int(f["add"]) if f["add"].isdigit() else 0
json.dump({"commits": len(commits), "authors": authors.most_common(10), "areas": areas.most_common(10)}, sys.stdout, indent=2)
