#!/usr/bin/env python3
"""Runs EPA SWMM (swmm-toolkit) and `citytwin swmm` on SWMM models and prints a table of differences.

Usage: swmm_compare.py CITYTWIN_BINARY WORKDIR MODEL.inp...

For each model: SWMM is run twice in this process, once plainly with its CPU time measured
(time.process_time around swmm_run) and once stepped to read the statistics SWMM's report
summarises (routing-step max node depth, link peak |flow|, outfall peak and volume, system totals,
continuity errors, subcatchment runoff). citytwin is run once with its summary written to WORKDIR.
Tolerances are the issue's: outfall volume 0.5 %, outfall peak 2 %, node max depth 2 cm (0.07 ft),
continuity errors 0.5 percentage points; subcatchment runoff volume 0.5 % and peak 2 %.
"""
import json, os, shutil, subprocess, sys, time

from swmm.toolkit import solver, shared_enum as se


class quiet_stdout:
    """Silences SWMM's progress lines, which the C library writes to file descriptor 1."""
    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    def __exit__(self, *a):
        os.dup2(self.saved, 1)
        os.close(self.saved)


def swmm_reference(inp, work):
    name = os.path.splitext(os.path.basename(inp))[0]
    d = os.path.join(work, "swmm-" + name)
    os.makedirs(d, exist_ok=True)
    local = os.path.join(d, os.path.basename(inp))
    shutil.copy(inp, local)
    rpt, out = os.path.join(d, name + ".rpt"), os.path.join(d, name + ".out")
    # Timed plain run.
    with quiet_stdout():
        t0 = time.process_time()
        solver.swmm_run(local, rpt, out)
        cpu = time.process_time() - t0
    # Stepped run for statistics.
    solver.swmm_open(local, rpt, out)
    solver.swmm_start(False)
    nn = solver.project_get_count(se.ObjectType.NODE)
    nl = solver.project_get_count(se.ObjectType.LINK)
    ns = solver.project_get_count(se.ObjectType.SUBCATCH)
    outfalls = [i for i in range(nn) if solver.node_get_type(i) == se.NodeType.OUTFALL]
    vol = {i: 0.0 for i in outfalls}
    last_q = {i: 0.0 for i in outfalls}
    t_prev = 0.0
    while True:
        t = solver.swmm_step()
        if t <= 0:
            break
        dt = (t - t_prev) * 86400.0
        t_prev = t
        for i in outfalls:
            q = solver.node_get_result(i, se.NodeResult.TOTAL_INFLOW)
            vol[i] += 0.5 * (q + last_q[i]) * dt
            last_q[i] = q
    units = solver.simulation_get_unit(se.SimulationUnit.FLOW_UNIT) if hasattr(se, "SimulationUnit") else None
    ref = {"node_max_depth": {}, "link_peak_flow": {}, "outfalls": {}, "subcatchments": {}}
    for i in range(nn):
        nid = solver.project_get_id(se.ObjectType.NODE, i)
        if nl > 0:
            ref["node_max_depth"][nid] = solver.node_get_stats(i).maxDepth
        if i in outfalls:
            ref["outfalls"][nid] = {"peak_inflow": solver.outfall_get_stats(i).maxFlow, "volume_flow_s": vol[i]}
    for j in range(nl):
        ref["link_peak_flow"][solver.project_get_id(se.ObjectType.LINK, j)] = solver.link_get_stats(j).maxFlow
    for k in range(ns):
        s = solver.subcatch_get_stats(k)
        ref["subcatchments"][solver.project_get_id(se.ObjectType.SUBCATCH, k)] = {
            "precip_depth": s.precip, "runoff_volume": s.runoff, "peak_runoff": s.maxFlow, "infil_volume": s.infil}
    rt = solver.system_get_routing_totals()
    ro = solver.system_get_runoff_totals()
    ref["continuity"] = {"runoff_error_pct": ro.pctError if ns > 0 else 0.0, "flow_routing_error_pct": rt.pctError}
    ref["system"] = {"total_outfall_volume": rt.outflow, "total_flooding_volume": rt.flooding}
    solver.swmm_end()
    solver.swmm_close()
    # Outfall volumes in the model's volume units: scale the integrated flow·s so that their sum is
    # SWMM's own system outflow (exact for one outfall; the split follows the integrated flows).
    tot = sum(o["volume_flow_s"] for o in ref["outfalls"].values())
    for o in ref["outfalls"].values():
        o["total_volume"] = rt.outflow * (o["volume_flow_s"] / tot) if tot > 0 else 0.0
    return ref, cpu


def rel(a, b):
    if a is None or b is None:
        return None
    return abs(a - b) / max(abs(b), 1e-12) if abs(a - b) > 1e-9 else 0.0


def compare(name, ours, ref, metric):
    rows = []  # (key, worst value, tolerance text, pass)
    def worst(pairs, f):
        w, at = 0.0, ""
        for k, (a, b) in pairs.items():
            v = f(a, b)
            if v is None:
                return None, k
            if v > w:
                w, at = v, k
        return w, at
    of = {k: (ours.get("outfalls", {}).get(k, {}).get("total_volume"), v["total_volume"]) for k, v in ref["outfalls"].items()}
    w, at = worst(of, rel); rows.append(("outfall volume", w, at, 0.005, "%"))
    op = {k: (ours.get("outfalls", {}).get(k, {}).get("peak_inflow"), v["peak_inflow"]) for k, v in ref["outfalls"].items()}
    w, at = worst(op, rel); rows.append(("outfall peak", w, at, 0.02, "%"))
    depth_tol = 0.02 if metric else 0.07
    nd = {k: (ours.get("node_max_depth", {}).get(k), v) for k, v in ref["node_max_depth"].items()}
    w, at = worst(nd, lambda a, b: None if a is None else abs(a - b)); rows.append(("node max depth", w, at, depth_tol, "m" if metric else "ft"))
    for key in ("runoff_error_pct", "flow_routing_error_pct"):
        a = ours.get("continuity", {}).get(key); b = ref["continuity"][key]
        rows.append((key, None if a is None else abs(a - b), "%.3f vs %.3f" % (a if a is not None else float("nan"), b), 0.5, "pts"))
    sv = {k: (ours.get("subcatchments", {}).get(k, {}).get("runoff_volume"), v["runoff_volume"]) for k, v in ref["subcatchments"].items()}
    w, at = worst(sv, rel); rows.append(("subcatch runoff volume", w, at, 0.005, "%"))
    sp = {k: (ours.get("subcatchments", {}).get(k, {}).get("peak_runoff"), v["peak_runoff"]) for k, v in ref["subcatchments"].items()}
    w, at = worst(sp, rel); rows.append(("subcatch peak runoff", w, at, 0.02, "%"))
    return rows


def main():
    binary, work, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(work, exist_ok=True)
    total_ours = total_swmm = 0.0
    passed = 0
    for inp in models:
        name = os.path.splitext(os.path.basename(inp))[0]
        try:
            ref, cpu_swmm = swmm_reference(inp, work)
        except Exception as e:  # SWMM refuses the model
            print(f"{name}: SWMM could not run it ({e}); skipped")
            continue
        summ = os.path.join(work, name + ".citytwin.json")
        p = subprocess.run([binary, "swmm", inp, "--summary", summ], capture_output=True, text=True)
        if p.returncode != 0:
            print(f"{name}: FAIL citytwin exited {p.returncode}: {p.stderr.strip()}")
            continue
        ours = json.load(open(summ))
        metric = ours.get("flow_units") in ("CMS", "LPS", "MLD")
        rows = compare(name, ours, ref, metric)
        cpu_ours = ours.get("timing", {}).get("simulate_cpu_s", float("nan"))
        total_ours += cpu_ours; total_swmm += cpu_swmm
        ok = all(r[1] is not None and r[1] <= r[3] for r in rows)
        passed += ok
        print(f"{name}: {'PASS' if ok else 'FAIL'}   CPU ours {cpu_ours:.3f} s, SWMM {cpu_swmm:.3f} s, ratio SWMM/ours {cpu_swmm / max(cpu_ours, 1e-9):.2f}")
        for key, w, at, tol, unit in rows:
            if w is None:
                print(f"    {key:24s}  missing ({at})  FAIL")
                continue
            shown = f"{100 * w:.3f} %" if unit == "%" else f"{w:.4f} {unit}"
            tshown = f"{100 * tol:.1f} %" if unit == "%" else f"{tol} {unit}"
            print(f"    {key:24s}  {shown:>12s}  (tol {tshown}) {'ok' if w <= tol else 'FAIL'}  {at}")
    print(f"\n{passed}/{len(models)} models pass. Simulation CPU time summed: citytwin {total_ours:.3f} s, "
          f"SWMM {total_swmm:.3f} s, ratio ours/SWMM {total_ours / max(total_swmm, 1e-9):.3f} (target <= 0.5)")


if __name__ == "__main__":
    main()
