"""Running every entry of torch's three test databases through ember, in worker processes."""

import multiprocessing
import os
import time
from pathlib import Path
from typing import Callable

from torch_db.outcome import Outcome

OPS, MODULES, OPTIMIZERS = "ops", "modules", "optimizers"
KINDS = (OPS, MODULES, OPTIMIZERS)
_ROOT = Path(__file__).resolve().parents[2]


def _database(kind: str) -> list:
    if kind == OPS:
        from torch.testing._internal.common_methods_invocations import op_db
        return op_db
    if kind == MODULES:
        from torch.testing._internal.common_modules import module_db
        return module_db
    from torch.testing._internal.common_optimizers import optim_db
    return optim_db


def _runner(kind: str) -> Callable:
    from torch_db.modules import run_module
    from torch_db.ops import run_op
    from torch_db.optimizers import run_optimizer

    return {OPS: run_op, MODULES: run_module, OPTIMIZERS: run_optimizer}[kind]


def run_entry(task: tuple) -> tuple:
    """(kind, index, Outcome, CPU seconds) of entry `index` of database `kind`."""
    import torch

    torch.set_num_threads(1)
    kind, index = task
    start = time.process_time()
    outcome = _runner(kind)(_database(kind)[index])
    return kind, index, outcome, time.process_time() - start


def run_all(processes: int = 2) -> tuple:
    """({kind: [Outcome in database order]} for ops, modules and optimizers, {name: CPU seconds
    of the 10 slowest entries}, total CPU seconds). Workers are spawned
    (a fork of a process that has run torch's OpenMP kernels may hang); they find ember and
    this package through PYTHONPATH."""
    tasks = [(kind, i) for kind in KINDS for i in range(len(_database(kind)))]
    # the slow entries cluster in the middle of op_db: interleave so both workers stay busy
    tasks = tasks[::2] + tasks[1::2]
    paths = [str(_ROOT / "src"), str(_ROOT / "tests"), os.environ.get("PYTHONPATH", "")]
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "OMP_NUM_THREADS")}
    os.environ.update(PYTHONPATH=os.pathsep.join(p for p in paths if p), OMP_NUM_THREADS="1")
    try:
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes) as pool:
            results = list(pool.imap_unordered(run_entry, tasks))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    found: dict = {kind: {} for kind in KINDS}
    for kind, index, outcome, _ in results:
        found[kind][index] = outcome
    slowest = sorted(results, key=lambda r: -r[3])[:10]
    return ({kind: [found[kind][i] for i in sorted(found[kind])] for kind in KINDS},
            {r[2].name: r[3] for r in slowest}, sum(r[3] for r in results))


def run_named(names: list) -> list:
    """The Outcomes of the entries called `names`, in this process; a name no database has is an
    error (the names are the coverage page's: `add`, `div.floor_rounding`, `nn.Conv3d`, `LBFGS`)."""
    import torch

    from torch_db.ops import entry_name

    keys = {OPS: entry_name, MODULES: lambda info: info.name, OPTIMIZERS: lambda info: info.name}
    index = {keys[kind](entry): (kind, i) for kind in KINDS for i, entry in enumerate(_database(kind))}
    unknown = [name for name in names if name not in index]
    if unknown:
        raise SystemExit(f"no entry called {', '.join(unknown)} in torch's test databases")
    torch.set_num_threads(1)
    return [_runner(index[name][0])(_database(index[name][0])[index[name][1]]) for name in names]


def by_name(outcomes: list) -> dict:
    """{name: Outcome} (names are unique within each database)."""
    return {outcome.name: outcome for outcome in outcomes}
