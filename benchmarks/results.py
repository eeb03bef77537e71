"""benchmarks/RESULTS.md: the machine, then one section per workload.

A run of some workloads (`--only`) replaces their sections and keeps the others, each section
carrying the date it was measured on.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
from importlib import metadata

from harness import Report, format_table

HEADER = "# ember benchmarks"
METHOD = (
    "Each implementation runs in its own fresh Python process, from the same inputs (data, "
    "initial weights) made once by the parent. The processes take turns: their steps are "
    "interleaved over the whole run, so all of them meet the same background load. Times are "
    "wall-clock (`time.perf_counter`) per step; the table gives the median. Memory is read from `/proc/self/status` in that same "
    "process, outside the timed region: *peak RSS* is the whole process's high-water mark "
    "(interpreter + the libraries that implementation imports + its work), *run +RSS* is how "
    "far the peak rose above the resident size right after setup (the peak is reset via "
    "`/proc/self/clear_refs` first), i.e. what the timed steps needed. "
    "Regenerate with `make bench`."
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info(load: float) -> list[str]:
    """One markdown bullet per fact about where the numbers were measured."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    names = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    threads = {k: os.environ[k] for k in names if k in os.environ}
    return [
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical cores ({usable} usable)",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        "- " + ", ".join(f"{p} {_version(p)}" for p in ("numpy", "torch", "micrograd", "ember")),
        f"- thread settings: {threads or 'library defaults'}",
        f"- 1-minute load average before the run: {load:.2f} (other processes share the cores)",
        f"- date: {datetime.date.today().isoformat()}",
    ]


def section(report: Report) -> str:
    wl = report.workload
    lines = [
        f"## {wl.key}: {wl.title}",
        "",
        wl.description,
        "",
        format_table(report.header(), report.rows(), markdown=True),
        "",
        *[f"- {g}" for g in report.goal_lines()],
        f"- measured {datetime.date.today().isoformat()}",
    ]
    return "\n".join(lines)


def _existing_sections(text: str) -> dict[str, str]:
    """Sections of an earlier RESULTS.md, keyed by workload (`## W1: ...` -> "W1", `## W7B: ...`
    -> "W7B")."""
    parts = re.split(r"^(?=## W\d+)", text, flags=re.M)
    return {m.group(1): p.rstrip() for p in parts if (m := re.match(r"## (W\d+[A-Z]*):", p))}


def _order(key: str) -> tuple[int, str]:
    """W2 before W10, W7 before W7B."""
    number, suffix = re.fullmatch(r"W(\d+)([A-Z]*)", key).groups()  # type: ignore[union-attr]
    return int(number), suffix


def write(path: str, reports: list[Report], load: float) -> None:
    """Write RESULTS.md: this machine, then every workload's section, new ones replacing old."""
    sections: dict[str, str] = {}
    if os.path.exists(path):
        with open(path) as f:
            sections = _existing_sections(f.read())
    sections.update({r.workload.key: section(r) for r in reports})
    ordered = [sections[k] for k in sorted(sections, key=_order)]
    text = "\n".join([HEADER, "", METHOD, "", "Machine:", "", *machine_info(load), ""])
    with open(path, "w") as f:
        f.write(text + "\n" + "\n\n".join(ordered) + "\n")
