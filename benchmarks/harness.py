"""What every workload shares: the registry types, the isolated runner, and the tables.

A workload module defines `WORKLOAD = Workload(...)`: shared inputs (data, initial weights),
a list of implementations and how to compare their outputs. Each implementation runs in a
fresh Python process, so implementations never share imports, caches or garbage, and the
memory figures belong to one implementation alone. The processes take turns, their steps
interleaved over the whole run, so that on a shared machine all of them meet the same load.

- time: `time.perf_counter` around each step, in the implementation's process; tables give
  the median over the steps;
- `peak RSS`: the process's peak resident set size (VmHWM), i.e. the interpreter, the
  libraries that implementation imports, and its work;
- `run +RSS`: how far the peak rose above the resident size measured right after setup, i.e.
  the memory the timed steps themselves needed (the peak is reset first where Linux allows).

Memory is read from /proc/self/status after setup and after the last step, never while a
step is timed.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Callable, Optional, Protocol, Sequence


class Runner(Protocol):
    """One implementation, set up and ready: `step()` is the unit of work that gets timed."""

    def step(self) -> None: ...

    def result(self) -> Any:
        """What the workload compares across implementations (a loss curve, gradients)."""
        ...


@dataclass(frozen=True)
class Impl:
    """An implementation of a workload: `make(inputs)` imports and builds (untimed)."""

    name: str
    make: Callable[[Any], Runner]
    steps: int
    quick_steps: int


@dataclass
class Measurement:
    """What one implementation's process reports back."""

    times: list[float] = field(default_factory=list)
    output: Any = None
    error: Optional[str] = None
    peak_rss_mib: Optional[float] = None
    run_rss_mib: Optional[float] = None

    @property
    def median(self) -> Optional[float]:
        return statistics.median(self.times) if self.times and self.error is None else None


@dataclass(frozen=True)
class Workload:
    """A benchmark: shared inputs, implementations, and how to check that they agree.

    `agree(reference_output, output)` returns a short verdict such as "yes (max rel 3e-16)";
    `goals(measurements)` returns one line per goal, each saying whether it was met.
    """

    key: str
    title: str
    description: str
    unit: str
    seconds_per_unit: float
    reference: str
    inputs: Callable[[bool], Any]
    impls: Sequence[Impl]
    agree: Callable[[Any, Any], str]
    goals: Callable[[dict[str, Measurement]], list[str]]


@dataclass
class Report:
    """A workload's measurements, in the order its implementations are listed."""

    workload: Workload
    measurements: dict[str, Measurement]

    def rows(self) -> list[list[str]]:
        wl = self.workload
        ref = self.measurements[wl.reference]
        rows = []
        for impl in wl.impls:
            m = self.measurements[impl.name]
            rows.append(
                [
                    impl.name,
                    m.error or _number(m.median / wl.seconds_per_unit),
                    _ratio(m.median, ref.median),
                    _mib(m.peak_rss_mib),
                    _mib(m.run_rss_mib),
                    str(len(m.times)),
                    _agreement(wl, impl.name, m, ref),
                ]
            )
        return rows

    def header(self) -> list[str]:
        return [
            "implementation",
            f"median {self.workload.unit}",
            f"time / {self.workload.reference}",
            "peak RSS MiB",
            "run +RSS MiB",
            "timed steps",
            f"agrees with {self.workload.reference}",
        ]

    def goal_lines(self) -> list[str]:
        return self.workload.goals(self.measurements)


def _number(x: float) -> str:
    return f"{x:.4g}" if x >= 1e-3 else f"{x:.3e}"


def _ratio(t: Optional[float], ref: Optional[float]) -> str:
    if t is None or ref is None:
        return "-"
    r = t / ref
    if r < 1:
        return f"{r:.3f} ({1 / r:.1f}x faster)"
    return f"{r:.3f}" if r < 1.0005 else f"{r:.3f} ({r:.1f}x slower)"


def _mib(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.1f}"


def _agreement(wl: Workload, name: str, m: Measurement, ref: Measurement) -> str:
    if name == wl.reference:
        return "(reference)"
    if m.error is not None or ref.error is not None:
        return "-"
    return wl.agree(ref.output, m.output)


def relative_diff(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), 0 when both are 0 (the scale-free distance the checks use)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def curve_agreement(ref: list[float], out: list[float], tolerance: float) -> str:
    """The verdict on two loss curves: the worst relative difference over their common steps."""
    n = min(len(ref), len(out))
    worst = max(relative_diff(a, b) for a, b in zip(ref[:n], out[:n]))
    verdict = "yes" if worst <= tolerance else "NO"
    return f"{verdict} (loss max rel diff {worst:.1e} over {n} steps)"


def goal_line(what: str, ratio: float, goal: float) -> str:
    return f"{what}: {ratio:.2f}x, {'met' if ratio <= goal else 'NOT met'}"


def loss_summary(ms: dict[str, Measurement]) -> list[str]:
    """ember's first and last loss, when its run produced a curve."""
    out = ms["ember"].output
    return [f"ember loss: {out[0]:.4f} at the first step, {out[-1]:.4f} after {len(out)} steps"] if out else []


def floor_goals(ms: dict[str, Measurement], goal: float) -> list[str]:
    """ember's time against the NumPy floor's (the goal), torch's for reference, and the loss."""
    ember, floor, torch = ms["ember"].median, ms["NumPy floor"].median, ms["torch"].median
    lines = []
    if ember is not None and floor is not None:
        lines.append(goal_line(f"ember within {goal:g}x of the NumPy floor", ember / floor, goal))
    if torch is not None and floor is not None:
        lines.append(f"torch: {torch / floor:.2f}x the NumPy floor")
    return lines + loss_summary(ms)


def format_table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    """A plain aligned table for the terminal, or a GitHub markdown table."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))] + [fmt.format(*r) for r in rows])


def interleave(counts: dict[str, int]) -> list[str]:
    """The order to run steps in: each implementation's steps spread evenly over the whole run.

    >>> interleave({"slow": 2, "fast": 4})
    ['fast', 'slow', 'fast', 'fast', 'slow', 'fast']
    """
    events = sorted(
        ((i + 0.5) / n, order, name) for order, (name, n) in enumerate(counts.items()) for i in range(n)
    )
    return [name for _, _, name in events]


class _Worker:
    """The parent's handle on one implementation's process."""

    def __init__(self, module: str, impl: str, inputs: Any) -> None:
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no imports shared
        self.conn, child_conn = ctx.Pipe()
        # not daemonic: an implementation may start processes of its own (DataLoader workers),
        # which a daemonic process may not; `measure` ends it should the run fail
        self.process = ctx.Process(target=_serve, args=(child_conn, module, impl, inputs))
        self.process.start()
        child_conn.close()
        self.m = Measurement()
        self.m.error = self._receive()
        self.serving = self.m.error is None

    def _receive(self) -> Any:
        try:
            return self.conn.recv()
        except EOFError:
            self.process.join()
            self.serving = False
            self.m.error = f"crashed (exit {self.process.exitcode})"
            return self.m.error

    def step(self) -> None:
        if self.m.error is not None:
            return
        self.conn.send("step")
        reply = self._receive()
        if isinstance(reply, float):
            self.m.times.append(reply)
        else:
            self.m.error = reply

    def finish(self) -> Measurement:
        if self.serving:
            self.conn.send("finish")
            reply = self._receive()
            if isinstance(reply, tuple):
                self.m.peak_rss_mib, self.m.run_rss_mib, self.m.output = reply
        self.process.join()
        return self.m


# The implementations' processes run BLAS and OpenMP on one thread each (unless the caller's
# environment says otherwise). They take turns on the same cores, and a thread pool left spinning
# after its own step (OpenBLAS and libgomp spin for a while before they sleep) steals the cores
# from the process being timed: on a 2-core machine that made NumPy steps 20x slower. One thread
# each also gives the three libraries the same resources.
QUIET_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def measure(module: str, impls: Sequence[Impl], inputs: Any, quick: bool) -> dict[str, Measurement]:
    """Run every implementation in its own process, their steps interleaved (see `interleave`).

    All see the same background load, which matters on a shared machine; only one steps at a
    time, the others wait idle (see QUIET_THREADS).
    """
    for name, value in QUIET_THREADS.items():
        os.environ.setdefault(name, value)  # inherited by the processes started below
    workers: dict[str, _Worker] = {}
    try:
        for impl in impls:
            workers[impl.name] = _Worker(module, impl.name, inputs)
        for name in interleave({impl.name: impl.quick_steps if quick else impl.steps for impl in impls}):
            workers[name].step()
        return {name: w.finish() for name, w in workers.items()}
    finally:
        for w in workers.values():
            if w.process.is_alive():
                w.process.terminate()
                w.process.join()


def _proc_status_kib(field_name: str) -> Optional[int]:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> None:
    """Make VmHWM equal the current RSS (Linux >= 4.0); harmless where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _serve(conn: Connection, module: str, impl_name: str, inputs: Any) -> None:
    """The implementation's process: build it, then answer "step" (with the seconds it took, or
    the name of the exception it raised) until "finish" (peak memory and the result)."""
    # A spawned process takes spawn as its default start method; give back the platform's
    # default, which a script run from the command line has (DataLoader workers start with it).
    multiprocessing.set_start_method(None, force=True)
    workload: Workload = importlib.import_module(module).WORKLOAD
    impl = next(i for i in workload.impls if i.name == impl_name)
    try:
        runner = impl.make(inputs)
    except Exception as exc:  # a missing library is a result to report, not a harness crash
        conn.send(f"setup failed: {type(exc).__name__}")
        return
    _reset_peak_rss()
    base = _proc_status_kib("VmRSS")
    conn.send(None)
    failed = False
    while conn.recv() == "step":
        t0 = time.perf_counter()
        try:
            runner.step()
        except Exception as exc:  # an implementation's failure is a result to report
            failed = True
            conn.send(type(exc).__name__)
            continue
        conn.send(time.perf_counter() - t0)
    peak = _proc_status_kib("VmHWM")
    peak_mib = None if peak is None else peak / 1024
    run_mib = None if peak is None or base is None else max(0, peak - base) / 1024
    conn.send((peak_mib, run_mib, None if failed else runner.result()))
