#!/usr/bin/env python3
"""Per-report-step trace of one SWMM model run by EPA SWMM 5.2 (swmm-toolkit): node depth, volume
and flooding rate, link flow and volume, in the model's units, as CSV on stdout; and the routing
continuity totals at the end on stderr. Used to compare node by node with `citytwin swmm --trace`.
Usage: swmm_trace.py MODEL.inp [STEP_SECONDS]"""
import os, sys, tempfile, shutil
from swmm.toolkit import solver, shared_enum as se

inp = sys.argv[1]
every = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
with tempfile.TemporaryDirectory() as d:
    local = os.path.join(d, "m.inp")
    shutil.copy(inp, local)
    solver.swmm_open(local, os.path.join(d, "m.rpt"), os.path.join(d, "m.out"))
    solver.swmm_start(False)
    nn = solver.project_get_count(se.ObjectType.NODE)
    nl = solver.project_get_count(se.ObjectType.LINK)
    nodes = [solver.project_get_id(se.ObjectType.NODE, i) for i in range(nn)]
    links = [solver.project_get_id(se.ObjectType.LINK, i) for i in range(nl)]
    cols = ["t_s"] + [f"{n}.{k}" for n in nodes for k in ("depth", "volume", "flood")] + \
           [f"{l}.{k}" for l in links for k in ("flow", "volume")]
    print(",".join(cols))
    t_prev, next_t = 0.0, every
    while True:
        t = solver.swmm_step()
        if t <= 0:
            break
        ts = t * 86400.0
        if ts + 1e-6 >= next_t:
            next_t += every
            row = [f"{ts:.3f}"]
            for i in range(nn):
                row += [f"{solver.node_get_result(i, se.NodeResult.DEPTH):.6g}",
                        f"{solver.node_get_result(i, se.NodeResult.VOLUME):.6g}",
                        f"{solver.node_get_result(i, se.NodeResult.FLOOD):.6g}"]
            for j in range(nl):
                row += [f"{solver.link_get_result(j, se.LinkResult.FLOW):.6g}",
                        f"{solver.link_get_result(j, se.LinkResult.VOLUME):.6g}"]
            print(",".join(row))
    tot = solver.system_get_routing_totals()
    print("routing totals: " + ", ".join(f"{k}={getattr(tot, k):.6g}" for k in dir(tot)
                                          if not k.startswith("_") and isinstance(getattr(tot, k), float)),
          file=sys.stderr)
    solver.swmm_end()
    solver.swmm_close()
