#!/usr/bin/env python3
"""Writes EPA SWMM 5.2's results (swmm-toolkit) for SWMM models as expected-output JSON, in the key
layout of ../shared/reference/swmm/expected/*.json that the validation tests read: outfall volume
and peak, node maximum depth, continuity errors, system totals, link peak flows, depth units.

Usage: .venv-swmm/bin/python scripts/swmm_expected.py OUTDIR MODEL.inp...
(the venv is the one scripts/validate-swmm creates). The files record which engine wrote them."""
import json, os, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swmm_compare import swmm_reference  # noqa: E402
from swmm.toolkit import solver  # noqa: E402

out_dir, models = sys.argv[1], sys.argv[2:]
os.makedirs(out_dir, exist_ok=True)
metric_units = ("CMS", "LPS", "MLD")
for inp in models:
    name = os.path.splitext(os.path.basename(inp))[0]
    units = "CFS"
    for line in open(inp):
        parts = line.split()
        if len(parts) >= 2 and parts[0].upper() == "FLOW_UNITS":
            units = parts[1].upper()
    with tempfile.TemporaryDirectory() as work:
        ref, _ = swmm_reference(inp, work)
    for o in ref["outfalls"].values():
        o.pop("volume_flow_s", None)
    doc = {
        "inp": os.path.basename(inp),
        "engine": "EPA SWMM " + str(solver.swmm_get_version()) + " (swmm-toolkit)",
        "flow_units": units,
        "units": {"depth": "m" if units in metric_units else "ft"},
        **ref,
    }
    path = os.path.join(out_dir, name + ".json")
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"{path}: routing continuity {ref['continuity']['flow_routing_error_pct']:.4f} %, "
          f"outfall volume {ref['system']['total_outfall_volume']:.6g}")
