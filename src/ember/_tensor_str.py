"""Printing tensors the way torch does: `tensor([1.0000, 2.5000], requires_grad=True)`.

One format serves the whole tensor, chosen from its non-zero finite values as torch chooses it:
integral floats print as `3.`; otherwise 4 decimals, or scientific notation when the values span
more than 1000x, exceed 1e8 or (non-integral) fall below 1e-4. Every element is padded to one
width, rows wrap at 80 characters, and past 1000 elements only the first and last 3 along each
dimension are shown, around `...`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _dtype

# torch's PRINT_OPTS, set by ember.set_printoptions (`_printoptions`); SCI_MODE None chooses per tensor
PRECISION = 4
THRESHOLD: float = 1000
EDGEITEMS = 3
LINEWIDTH = 80
SCI_MODE = None


class _Formatter:
    """The shared format and width of a tensor's elements."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max((len(str(v)) for v in flat.tolist()), default=1)
            return
        flat = flat.astype(np.float64)
        nonzero = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero.size == 0:
            return
        lo, hi = np.abs(nonzero).min(), np.abs(nonzero).max()
        self.int_mode = bool(np.all(np.ceil(nonzero) == nonzero))
        spread = hi / lo > 1000.0 or hi > 1.0e8
        self.sci_mode = (spread if self.int_mode else spread or lo < 1.0e-4) if SCI_MODE is None else SCI_MODE
        if self.sci_mode:
            lengths = [len(f"{v:.{PRECISION}e}") for v in nonzero.tolist()]
        elif self.int_mode:
            lengths = [len(f"{v:.0f}") + 1 for v in nonzero.tolist()]
        else:
            lengths = [len(f"{v:.{PRECISION}f}") for v in nonzero.tolist()]
        self.width = max(lengths)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.width)


def _summarized(values: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows: the first and last EDGEITEMS along every dim."""
    for axis, n in enumerate(values.shape):
        if n > 2 * EDGEITEMS:
            keep = list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n))
            values = np.take(values, keep, axis)
    return values


def _vector(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
    items = values.tolist()
    if summarize and len(items) > 2 * EDGEITEMS:
        data = [fmt.format(v) for v in items[:EDGEITEMS]] + [" ..."] + [fmt.format(v) for v in items[-EDGEITEMS:]]
    else:
        data = [fmt.format(v) for v in items]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if values.ndim == 0:
        return fmt.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, fmt)
    n = values.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = [_nested(values[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] + ["..."]
        rows += [_nested(values[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)]
    else:
        rows = [_nested(values[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def format_data(array: np.ndarray, indent: int) -> str:
    """The bracketed body of a print: `[[1., 2.],\\n        [3., 4.]]` for indent 7."""
    summarize = array.size > THRESHOLD
    fmt = _Formatter(_summarized(array) if summarize else array)
    return _nested(array, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """`, dtype=...` after the data, moved to a new line where it would pass the line width."""
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(t: Any, name: str = "tensor") -> str:
    array = t._data
    prefix = f"{name}("
    indent = len(prefix)
    d = t.dtype
    suffixes = []
    if array.size == 0:
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if d is not _dtype.get_default_dtype():
            suffixes.append(f"dtype={d!r}")
    else:
        body = format_data(array, indent)
        if d not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_):
            suffixes.append(f"dtype={d!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
