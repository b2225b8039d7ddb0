#!/usr/bin/env python3
import argparse

import requests

API = "https://prices.example.invalid/api/v3/simple/price"
IDS = {"btc": "bitcoin", "eth": "ethereum", "sol": "solana", "ada": "cardano", "doge": "dogecoin"}

ap = argparse.ArgumentParser()
ap.add_argument("symbols", nargs="+")
ap.add_argument("--vs", default="usd")
a = ap.parse_args()

ids = [IDS.get(s.lower(), s.lower()) for s in a.symbols]
r = requests.get(API, params={"ids": ",".join(ids), "vs_currencies": a.vs, "include_24hr_change": "true"}, timeout=10)
r.raise_for_status()
for sym, cid in zip(a.symbols, ids):
    row = r.json().get(cid)
    if not row:
        print(f"{sym.upper():6} not found")
        continue
    print(f"{sym.upper():6} {row[a.vs]:>14,.2f} {a.vs.upper()}  {row.get(a.vs + '_24h_change', 0):+.2f}%")
