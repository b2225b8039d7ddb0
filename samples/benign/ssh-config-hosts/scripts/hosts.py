#!/usr/bin/env python3
import argparse
import shutil
from pathlib import Path

CFG = Path.home() / ".ssh" / "config"


def parse():
    hosts, cur = [], None
    if not CFG.exists():
        return hosts
    for raw in CFG.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, val = line.partition(" ")
        if key.lower() == "host":
            cur = {"Host": val.strip()}
            hosts.append(cur)
        elif cur is not None:
            cur[key] = val.strip()
    return hosts


def add(alias, hostname, user, port, identity):
    block = [f"\nHost {alias}", f"  HostName {hostname}", f"  User {user}", f"  Port {port}"]
    if identity:
        block.append(f"  IdentityFile {identity}")
    CFG.parent.mkdir(mode=0o700, exist_ok=True)
    if CFG.exists():
        shutil.copy2(CFG, CFG.with_name("config.bak"))
    with CFG.open("a") as fh:
        fh.write("\n".join(block) + "\n")
    CFG.chmod(0o600)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    a_add = sub.add_parser("add")
    a_add.add_argument("alias")
    a_add.add_argument("--hostname", required=True)
    a_add.add_argument("--user", required=True)
    a_add.add_argument("--port", default="22")
    a_add.add_argument("--identity")
    a = ap.parse_args()
    if a.cmd == "list":
        for h in parse():
            print(f"{h['Host']:20} {h.get('User', '-')}@{h.get('HostName', '?')}:{h.get('Port', '22')}")
    else:
        add(a.alias, a.hostname, a.user, a.port, a.identity)
        print(f"added Host {a.alias}")
