"""Run torch's op_db, module_db and optim_db through ember and write docs/torch-coverage.md.

    PYTHONPATH=src python scripts/torch_coverage.py
    PYTHONPATH=src python scripts/torch_coverage.py --only add nn.Conv3d LBFGS

With `--only`, the named entries (ops by `name.variant`, modules as `nn.X`, optimizers by class
name) run in this process and print their status and first failure; the page is not written.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from torch_db.report import DOC, render  # noqa: E402
from torch_db.runner import KINDS, run_all, run_named  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run these entries only")
    names = parser.parse_args().only
    if names:
        for outcome in run_named(names):
            print(f"{outcome.name}: {outcome.status}" + (f": {outcome.detail}" if outcome.detail else ""))
        return
    start = time.perf_counter()
    outcomes, slowest, cpu_seconds = run_all()
    seconds = time.perf_counter() - start
    DOC.write_text(render(outcomes, cpu_seconds))
    for kind in KINDS:
        statuses = [o.status for o in outcomes[kind]]
        counts = ", ".join(f"{s} {statuses.count(s)}" for s in dict.fromkeys(statuses))
        print(f"{kind}: {counts}")
    print("slowest entries (CPU s):", ", ".join(f"{n} {s:.1f}" for n, s in slowest.items()))
    print(f"wrote {DOC}: {cpu_seconds:.0f} s of CPU time, {seconds:.0f} s wall")


if __name__ == "__main__":
    main()
