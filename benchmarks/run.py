"""Run ember's benchmarks: `python benchmarks/run.py [--only W1,W2] [--quick]`.

Each workload is one module, registered in WORKLOADS; each of its implementations runs in a
fresh process (see harness.py). A full run prints one table per workload and rewrites
benchmarks/RESULTS.md; `--quick` is a smoke run (fewer steps, smaller sizes) that writes nothing.

To add a workload: write benchmarks/wN_name.py defining `WORKLOAD = harness.Workload(...)` (its
inputs, its implementations as `harness.Impl`s, its agreement check and goals), then add one line
to WORKLOADS.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402  (benchmarks/ is not a package; these are its sibling modules)
from harness import Report, Workload, format_table, measure  # noqa: E402

WORKLOADS = {
    "W1": "w1_moons",
    "W2": "w2_chain",
    "W3": "w3_mlp",
    "W4": "w4_cnn",
    "W5": "w5_overhead",
    "W6": "w6_lstm",
    "W7": "w7_dataloader",
    "W7B": "w7_workers",
    "W8": "w8_checkpoint",
    "W9": "w9_gpt_generate",
}
BUSY_LOAD = 0.5
RESULTS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


def run_workload(module: str, quick: bool) -> Report:
    workload: Workload = importlib.import_module(module).WORKLOAD
    print(f"\n{workload.key}: {workload.title}{' (quick)' if quick else ''}", flush=True)
    t0 = time.perf_counter()
    measurements = measure(module, workload.impls, workload.inputs(quick), quick)
    print(f"  {len(measurements)} implementations, {time.perf_counter() - t0:.1f}s")
    report = Report(workload, measurements)
    print(format_table(report.header(), report.rows(), markdown=False))
    for line in report.goal_lines():
        print(f"  * {line}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated workloads, from {','.join(WORKLOADS)}")
    parser.add_argument("--quick", action="store_true", help="smoke run: few steps, writes no RESULTS.md")
    args = parser.parse_args(argv)
    keys = [k.strip().upper() for k in args.only.split(",")] if args.only else list(WORKLOADS)
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    load = os.getloadavg()[0]
    if load > BUSY_LOAD:
        print(f"note: load average {load:.2f} before starting; other processes share the CPU, timings are noisier")
    reports = [run_workload(WORKLOADS[k], args.quick) for k in keys]
    if not args.quick:
        results.write(RESULTS_PATH, reports, load)
        print(f"\nwrote {os.path.relpath(RESULTS_PATH)}")


if __name__ == "__main__":
    main()
