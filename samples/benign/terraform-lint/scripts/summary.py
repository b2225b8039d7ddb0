#!/usr/bin/env python3
import json
import sys
from collections import defaultdict

report = json.load(open(sys.argv[1]))
by_sev = defaultdict(list)
for issue in report.get("issues", []):
    r = issue["range"]
    by_sev[issue["rule"]["severity"]].append(f"{r['filename']}:{r['start']['line']}  {issue['rule']['name']}: {issue['message']}")
for sev in ("error", "warning", "notice"):
    if by_sev[sev]:
        print(f"## {sev} ({len(by_sev[sev])})")
        print("\n".join(by_sev[sev]))
