"""Plots the EA Test 8B manhole exchange of CityTwin against XPSTORM (see scripts/coupling-figures)."""
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

data, reference, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])


def read(path, header):
    with open(path) as f:
        rows = list(csv.reader(f))
    if header:
        rows = rows[1:]
    return [float(r[0]) for r in rows if r], [float(r[1]) for r in rows if r]


t, q = read(data / "test8b-exchange.csv", True)
rt, rq = read(reference / "8b_xpstorm_manhole_flow.csv", False)
fig, ax = plt.subplots(figsize=(7, 3.8), dpi=120)
ax.plot(rt, rq, "k-", lw=1.6, label="XPSTORM (EA Test 8B reference)")
ax.plot(t, q, "C0-", lw=1.2, label="CityTwin: SWMM-style pipes + 2D street (synthetic terrain)")
ax.axhline(0, color="0.6", lw=0.6)
ax.set_xlim(60, 200)
ax.set_xlabel("time (min)")
ax.set_ylabel("flow out of manhole J1 (m³/s)")
ax.set_title("EA Test 8B: manhole ↔ street exchange at J1")
ax.legend(loc="center right", fontsize=8)
fig.tight_layout()
fig.savefig(out / "coupling-test8b-exchange.png")
print(out / "coupling-test8b-exchange.png")
