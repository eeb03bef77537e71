"""Anomaly detection: record where each op was created, and name it when its backward makes nan."""

from __future__ import annotations

import os
import traceback
from typing import Any

import numpy as np

_enabled = False

# ember's own package folder: its frames are left out of a creation trace (a user's files may
# sit under any folder, one named `ember` included)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_anomaly_enabled() -> bool:
    return _enabled


class detect_anomaly:
    """Inside, every op keeps the stack trace of its forward call; a backward that returns nan
    raises RuntimeError naming the op and showing where it was created."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._prev = False

    def __enter__(self) -> None:
        global _enabled
        self._prev = _enabled
        _enabled = self.check_nan

    def __exit__(self, *exc: Any) -> None:
        global _enabled
        _enabled = self._prev


class set_detect_anomaly(detect_anomaly):
    """Switch anomaly detection on or off; as a context manager, restores it on exit."""

    def __init__(self, mode: bool) -> None:
        global _enabled
        super().__init__(mode)
        self._prev = _enabled
        _enabled = bool(mode)

    def __enter__(self) -> None:
        pass


def creation_trace() -> str:
    """Where the op being recorded was called from (without ember's own frames)."""
    frames = [f for f in traceback.extract_stack()[:-1] if not os.path.abspath(f.filename).startswith(_PACKAGE)]
    return "".join(traceback.format_list(frames[-8:]))


def check_gradients(node: Any, grads: list) -> None:
    for i, g in enumerate(grads):
        # an array rule may return a NumPy scalar (0-d arithmetic); the engine wraps it after this
        if g is not None and np.isnan(g if isinstance(g, (np.ndarray, np.generic)) else g._data).any():
            trace = getattr(node, "_trace", "") or "(created outside detect_anomaly)\n"
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {_output_index(node, i)}th output.\n"
                f"The forward call that created it:\n{trace}"
            )


def _output_index(node: Any, i: int) -> int:
    """torch numbers a user Function's gradients over its tensor inputs, its own ops' over all
    their arguments (ember's nodes keep an edge per argument, False for a non-tensor)."""
    if node._in_meta is None:
        return i
    return len([n for n in node._next[:i] if n is not False])
