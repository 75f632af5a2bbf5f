"""Plots the flood validation series written by FloodValidationTests (see scripts/flood-figures)."""
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

data, out = Path(sys.argv[1]), Path(sys.argv[2])


def read(name):
    with open(data / name) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [[float(v) for v in r] for r in rows[1:]]
    return header, list(zip(*body))


# Bates et al. (2010) front over a flat plane.
h, cols = read("bates_front.csv")
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(cols[0], cols[2], "k-", lw=2, label="analytic (Hunter et al. 2005)")
ax.plot(cols[0], cols[1], "C1--", lw=1.5, label="CityTwin local inertial (θ = 0.8)")
ax.set_xlim(0, 4200)
ax.set_xlabel("distance from the inlet x (m)")
ax.set_ylabel("depth h (m)")
ax.set_title("Front over a flat plane after 1 h (u = 1 m/s, n = 0.01, Δx = 10 m)")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(out / "flood-bates-front.png", dpi=120)

# EA Test 4: depth at P1..P6 over time.
h, cols = read("ea_test4_points.csv")
fig, ax = plt.subplots(figsize=(8, 4.5))
t = [v / 60 for v in cols[0]]
for k in range(1, len(h)):
    ax.plot(t, cols[k], label=h[k].replace("_m", ""))
ax.set_xlabel("time (min)")
ax.set_ylabel("depth (m)")
ax.set_title("EA Test 4: depth at the output points (inflow trapezoid, 20 m³/s peak)")
ax.legend(ncol=3)
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(out / "flood-ea-test4-points.png", dpi=120)

# Thacker planar bowl, two amplitudes.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=False)
for ax, sigma in zip(axes, ["0.1", "0.5"]):
    h, cols = read(f"thacker_{sigma}.csv")
    ax.plot(cols[0], cols[2], "k-o", ms=3, label="analytic")
    ax.plot(cols[0], cols[1], "C1--s", ms=3, label="CityTwin")
    ax.set_title(f"Thacker planar bowl, σ = {sigma} m")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("x of the water's centre of mass (m)")
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
fig.savefig(out / "flood-thacker.png", dpi=120)

# EA Test 3: bed, maximum and final level along the middle row.
h, cols = read("ea_test3_profile.csv")
fig, ax = plt.subplots(figsize=(8, 4))
ax.fill_between(cols[0], [min(cols[1]) - 0.1] * len(cols[0]), cols[1], color="0.8", label="bed")
ax.plot(cols[0], cols[2], "C0-", label="maximum level")
ax.plot(cols[0], cols[3], "C1--", label="level at 900 s")
ax.set_ylim(min(cols[1]) - 0.05, max(cols[1]) + 0.1)
ax.set_xlabel("x (m)")
ax.set_ylabel("level (m)")
ax.set_title("EA Test 3 along the middle row")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(out / "flood-ea-test3-profile.png", dpi=120)
print("figures written to", out)
