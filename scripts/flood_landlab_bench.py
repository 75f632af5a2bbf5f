"""Reference side of `ctbench flood`: landlab's OverlandFlow (de Almeida et al. 2012, NumPy) on the
same two grids as ours (2000 x 2000 cells of 5 m by default): a fully wet tilted plane with a ripple,
and rain-on-grid (50 mm/h) on a dry undulating plane. Prints one JSON line of numbers:
<case>.cell_updates_per_s, <case>.seconds_per_step, version. Run by scripts/benchmark flood in
.venv-landlab."""
import argparse
import json
import sys
import time

import numpy as np
import landlab
from landlab import RasterModelGrid
from landlab.components import OverlandFlow


def terrain(n, wet):
    x = np.arange(n, dtype=float)[None, :].repeat(n, 0)
    y = np.arange(n, dtype=float)[:, None].repeat(n, 1)
    if wet:
        return 100 + 0.0005 * x + 0.02 * np.sin(x * 0.05) * np.cos(y * 0.07)
    return 100 + 0.001 * x + 0.002 * y + 0.3 * np.sin(x * 0.031) * np.cos(y * 0.023)


def run(n, wet, steps):
    grid = RasterModelGrid((n, n), xy_spacing=5.0)
    z = grid.add_field("topographic__elevation", terrain(n, wet).ravel(), at="node")
    h = grid.add_zeros("surface_water__depth", at="node")
    if wet:
        h[:] = 101.5 - z
    else:
        h[:] = 1e-12
    of = OverlandFlow(grid, mannings_n=0.03, alpha=0.7, theta=0.8, steep_slopes=False,
                      rainfall_intensity=0.0 if wet else 50e-3 / 3600)
    of.run_one_step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        of.run_one_step()
    sec = time.perf_counter() - t0
    return grid.number_of_core_nodes * steps / sec, sec / steps


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--steps", type=int, default=5)
    a = p.parse_args()
    out = {"version": float(".".join(landlab.__version__.split(".")[:2]))}
    for wet in (True, False):
        name = "wet" if wet else "rain"
        rate, per = run(a.n, wet, a.steps)
        print(f"landlab {name}: {rate / 1e6:.1f} M cell-updates/s ({per:.3f} s per step)", file=sys.stderr)
        out[f"{name}.cell_updates_per_s"] = rate
        out[f"{name}.seconds_per_step"] = per
    print(json.dumps(out))


if __name__ == "__main__":
    main()
