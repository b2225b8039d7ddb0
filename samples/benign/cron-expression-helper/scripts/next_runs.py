#!/usr/bin/env python3
import argparse
from datetime import datetime

from croniter import croniter

ap = argparse.ArgumentParser()
ap.add_argument("expr")
ap.add_argument("-n", type=int, default=5)
a = ap.parse_args()

it = croniter(a.expr, datetime.now())
for _ in range(a.n):
    print(it.get_next(datetime).strftime("%a %Y-%m-%d %H:%M"))
