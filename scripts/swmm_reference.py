#!/usr/bin/env python3
"""Times EPA SWMM 5.2 (swmm-toolkit) on reference models: prints the summed single-thread CPU
seconds of the simulation loops (swmm_start .. swmm_end), the quantity ctbench `swmm` compares with.
Usage: swmm_reference.py --models DIR --only NAME[,NAME]"""
import argparse, os, shutil, tempfile, time
from swmm.toolkit import solver

ap = argparse.ArgumentParser()
ap.add_argument("--models", required=True)
ap.add_argument("--only", required=True)
a = ap.parse_args()
total = 0.0
for name in a.only.split(","):
    with tempfile.TemporaryDirectory() as d:
        inp = os.path.join(d, name + ".inp")
        shutil.copy(os.path.join(a.models, name + ".inp"), inp)
        solver.swmm_open(inp, os.path.join(d, "r.rpt"), os.path.join(d, "r.out"))
        t0 = time.process_time()
        solver.swmm_start(0)
        while solver.swmm_step() > 0:
            pass
        solver.swmm_end()
        total += time.process_time() - t0
        solver.swmm_close()
print(total)
