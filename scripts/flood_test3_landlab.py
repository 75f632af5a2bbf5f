"""EA Test 3 (momentum over a small obstruction) in landlab's OverlandFlow (de Almeida et al. 2012,
the same local-inertial scheme family as CityTwin's Flood) on the shared DEM and hydrograph, for a
side-by-side comparison with `FloodValidationTests/EABenchmarkTests.test3MomentumOverObstruction`.

The inflow enters the first column of cells as a volume source (Q(t) dt spread over the inflow cells),
over the whole west edge (142 m, as the shared data gives it) or only over y in [0, 100] m
(`--width100`, the EA test's 100 m wide domain inside the padded DEM). Manning n = 0.03, alpha 0.7,
theta 0.8, 900 s. Prints one JSON line: per output point the first arrival (s, depth above 1 cm) and
the maximum level (m), the volume beyond the crest at the end, and the volume in.

Usage: .venv-landlab/bin/python scripts/flood_test3_landlab.py REFERENCE_DIR [--width100 | --crop]
"""
import json
import sys

import numpy as np
from landlab import RasterModelGrid
from landlab.components import OverlandFlow


def main():
    folder = sys.argv[1]
    width100 = "--width100" in sys.argv
    crop = "--crop" in sys.argv
    lines = open(f"{folder}/test3DEM.asc").read().split("\n")
    header = {l.split()[0].lower(): float(l.split()[1]) for l in lines[:6]}
    dem = np.array([[float(v) for v in l.split()] for l in lines[6:] if l.strip()])
    rows, cols = dem.shape
    dx = header["cellsize"]
    x0, y0 = header["xllcorner"], header["yllcorner"]
    if crop:
        # The EA domain, x in [0, 300] m and y in [0, 100] m, out of the padded DEM.
        c0 = int(round((0 - x0) / dx))
        r0 = int(round((y0 + rows * dx - 100) / dx))
        dem = dem[r0: r0 + int(round(100 / dx)), c0: c0 + int(round(300 / dx))]
        rows, cols = dem.shape
        x0, y0 = 0.0, 0.0
    bc = np.loadtxt(f"{folder}/Test3BC.csv", delimiter=",", skiprows=1)
    times, flows = bc[:, 0], bc[:, 1]

    # One ring of closed nodes around the DEM; landlab's row 0 is the south edge.
    grid = RasterModelGrid((rows + 2, cols + 2), xy_spacing=dx)
    z = np.full((rows + 2, cols + 2), dem.max() + 10.0)
    z[1:-1, 1:-1] = dem[::-1, :]
    grid.add_field("topographic__elevation", z.ravel(), at="node")
    h = grid.add_zeros("surface_water__depth", at="node")
    h[:] = 1e-12
    grid.set_closed_boundaries_at_grid_edges(True, True, True, True)
    of = OverlandFlow(grid, mannings_n=0.03, alpha=0.7, theta=0.8, steep_slopes=False)

    hh = h.reshape(rows + 2, cols + 2)
    ycen = y0 + dx * (np.arange(rows) + 0.5)  # landlab row k (from the south) -> y
    inflow_rows = np.nonzero((ycen > 0) & (ycen < 100))[0] if width100 else np.arange(rows)
    profile = dem[rows // 2]
    low1 = int(np.argmin(profile[: cols // 2 + 20]))
    crest = low1 + int(np.argmax(profile[low1: low1 + 50]))
    low2 = crest + int(np.argmin(profile[crest:]))
    points = {"P1_first_low": low1, "P2_crest": crest, "P3_second_low": low2}
    mid = rows // 2
    arrival = {k: None for k in points}
    maxlevel = {k: float(profile[c]) for k, c in points.items()}
    series = []  # (t, level at each point) every 30 s
    next_sample = 30.0
    t, end, volume_in = 0.0, 900.0, 0.0
    breaks = list(times[times > 0])
    while t < end - 1e-9:
        dt = min(of.calc_time_step(), 1.0, end - t)
        for b in breaks:
            if b > t + 1e-9:
                dt = min(dt, b - t)
                break
        q = 0.5 * (np.interp(t, times, flows) + np.interp(t + dt, times, flows))  # mean over a linear piece
        add = q * dt / (len(inflow_rows) * dx * dx)
        hh[1 + inflow_rows, 1] += add
        volume_in += add * len(inflow_rows) * dx * dx
        of.overland_flow(dt=dt)
        t += dt
        for k, c in points.items():
            d = hh[1 + mid, 1 + c]
            maxlevel[k] = max(maxlevel[k], float(profile[c] + d))
            if arrival[k] is None and d > 0.01:
                arrival[k] = t
        if t >= next_sample - 1e-9:
            series.append([round(t, 3)] + [round(float(profile[c] + hh[1 + mid, 1 + c]), 5) for c in points.values()])
            next_sample += 30.0
    beyond = float(hh[1:-1, 1 + crest + 1: -1].sum() * dx * dx)
    print(json.dumps({"engine": "landlab OverlandFlow", "inflow_width_m": len(inflow_rows) * dx,
                      "arrival_s": arrival, "max_level_m": maxlevel, "volume_in_m3": volume_in,
                      "volume_beyond_crest_m3": beyond, "crest_x_m": x0 + dx * (crest + 0.5),
                      "series_t_levels": series}))


if __name__ == "__main__":
    main()
