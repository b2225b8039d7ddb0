#!/usr/bin/env python3
import sys
from pathlib import Path

import pandas as pd

df = pd.read_csv(sys.argv[1])
cmd = sys.argv[2]
if cmd == "describe":
    print(df.describe(include="all").T.to_string())
elif cmd == "group":
    key, val = sys.argv[3], sys.argv[4]
    print(df.groupby(key)[val].agg(["count", "sum", "mean"]).sort_values("sum", ascending=False).to_string())
elif cmd == "chart":
    import matplotlib
    matplotlib.use("Agg")
    x, y = sys.argv[3], sys.argv[4]
    ax = df.groupby(x)[y].sum().plot(kind="bar", figsize=(8, 4), title=f"{y} by {x}")
    out = Path("charts"); out.mkdir(exist_ok=True)
    p = out / f"{y}_by_{x}.png"
    ax.figure.tight_layout(); ax.figure.savefig(p)
    print(p)
