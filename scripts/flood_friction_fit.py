"""Fits the one-step inverse cube root behind the flood kernel's friction factor h^(-7/3).

y0 = bits(C - bits(h) / 3), y1 = y0 * (a - b * h * y0^3), result y1^7. For each magic constant C
on a grid, Nelder-Mead finds (a, b) minimising the largest relative error of y1^7 over depths
2^-12 .. 2^9 m; prints the best C, a, b and their error checked in float32 with the kernel's
order of operations (Sources/Flood/FloodKernel.swift, `inversePow73`).
Run through scripts/flood-friction-fit (sets up .venv-flood-fit).
"""
import numpy as np
from scipy.optimize import minimize

x = (np.float32(2.0) ** np.linspace(-12, 9, 12001)).astype(np.float32)
bits = x.view(np.uint32)
ref = x.astype(np.float64) ** (-7 / 3)


def error(C, a, b):
    y = (np.uint32(C) - bits // np.uint32(3)).view(np.float32).astype(np.float64)
    y = y * (a - b * x.astype(np.float64) * y ** 3)
    return np.max(np.abs(y ** 7 / ref - 1))


best = None
for C in range(0x54880000, 0x549C0000, 0x4000):
    r = minimize(lambda p: error(C, p[0], p[1]), [1.4, 0.4], method="Nelder-Mead",
                 options={"xatol": 1e-7, "fatol": 1e-8})
    if best is None or r.fun < best[0]:
        best = (r.fun, C, r.x)
err, C, (a, b) = best
# Check in float32 with the kernel's grouping: y * (a - (x*b*y) * (y*y)), then (y2*y2) * (y2*y).
f = np.float32
xs = (f(1e-4) * f(1.0001) ** np.arange(0, 160000)).astype(np.float32)
xs = xs[xs < 300]
y = (np.uint32(C) - xs.view(np.uint32) // np.uint32(3)).view(np.float32)
y = y * (f(a) - ((xs * f(b)) * y) * (y * y))
y2 = y * y
e = ((y2 * y2) * (y2 * y)) / (xs.astype(np.float64) ** (-7 / 3)) - 1
print(f"C = {C:#010x}, a = {a:.8f}, b = {b:.8f}: fitted error {err:.3e}, float32 error over "
      f"1e-4..300 m {np.abs(e).max():.3e}")
