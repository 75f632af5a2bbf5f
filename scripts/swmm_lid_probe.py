"""Probe SWMM 5.2 (swmm-toolkit) LID unit states step by step, for side-by-side checks of the LID
module: prints, every N routing steps, each LID usage's layer states and flux rates (internal units
ft, ft/s as the toolkit reports them). Usage: swmm_lid_probe.py MODEL.inp [EVERY_SECONDS]"""
import sys, os, tempfile
from swmm.toolkit import solver, shared_enum as E

inp = sys.argv[1]
every = float(sys.argv[2]) if len(sys.argv) > 2 else 900
tmp = tempfile.mkdtemp()
solver.swmm_open(inp, os.path.join(tmp, "r.rpt"), os.path.join(tmp, "r.out"))
ns = solver.project_get_count(E.ObjectType.SUBCATCH)
usages = [(j, k) for j in range(ns) for k in range(solver.lid_usage_get_count(j))]
R = E.LidResult
for j, k in usages:
    lid = int(solver.lid_usage_get_parameter(j, k, E.LidUParameter.INDEX)) if hasattr(E, "LidUParameter") else -1
    print("usage", solver.project_get_id(E.ObjectType.SUBCATCH, j), k, "lid", lid)
for c in range(solver.project_get_count(E.ObjectType.LID)):
    vals = {}
    for L in E.LidLayer:
        for P in E.LidLayerProperty:
            try: vals[f"{L.name}.{P.name}"] = solver.lid_control_get_parameter(c, L, P)
            except Exception: pass
    print("lid", solver.project_get_id(E.ObjectType.LID, c), {k: v for k, v in vals.items() if v})
solver.swmm_start(0)
t, nxt = 0.0, 0.0
keys = ["SURFACE_DEPTH", "PAVEMENT_DEPTH", "SOIL_MOISTURE", "STORAGE_DEPTH", "INFLOW", "DRAIN_FLOW",
        "INFILTRATION", "SURFACE_FLOW", "EVAPORATION", "NEW_DRAIN_FLOW", "FINAL_VOLUME"]
while True:
    el = solver.swmm_step()
    if el == 0: break
    t = el * 86400
    if t + 1e-6 >= nxt:
        nxt += every
        for j, k in usages:
            print(f"{t/3600:8.3f} u{k} " + " ".join(f"{n}={solver.lid_usage_get_result(j, k, R[n]):.6g}" for n in keys))
solver.swmm_end(); solver.swmm_close()
