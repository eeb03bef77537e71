"""ember tunes glibc's malloc at import (ember._malloc): a step that allocates and frees megabytes
in arrays below glibc's mmap threshold keeps its memory instead of trimming it and faulting it
back every time. Each case runs in a fresh interpreter: the allocator's state is per process."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

_STEPS = r"""
import resource
import numpy as np
import ember

def step():
    arrays = [np.ones(12_000) for _ in range(40)]  # 40 arrays of 94 KiB: below the mmap threshold
    del arrays

step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


def _faults_per_step(tuning: str) -> float:
    env = dict(os.environ, EMBER_MALLOC_TUNING=tuning, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", _STEPS], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "mallopt"),
                    reason="mallopt is glibc's: elsewhere ember leaves the allocator alone")
def test_a_step_of_freed_arrays_is_not_faulted_back_every_time() -> None:
    untuned, tuned = _faults_per_step("0"), _faults_per_step("1")
    assert untuned > 500, f"glibc's defaults should trim and refault the 3.7 MiB step ({untuned} faults)"
    assert tuned < 50, f"with ember's thresholds a repeated step should not fault ({tuned} faults per step)"


def test_tuning_is_a_no_op_where_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from ember import _malloc

    monkeypatch.setenv("EMBER_MALLOC_TUNING", "0")
    assert _malloc.tune() is False
