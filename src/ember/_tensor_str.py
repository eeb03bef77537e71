"""Printing tensors the way torch does: `tensor([1.0000, 2.5000], requires_grad=True)`.

Floats share one format across the tensor, chosen as torch chooses it: integral values print as
`3.`; otherwise 4 decimals, or scientific notation when the values span more than 1000x, exceed
1e8 or fall below 1e-4. Large tensors are summarized with `...` past 1000 elements.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from . import _dtype

PRECISION = 4


def _float_formatter(values: np.ndarray) -> Callable[[float], str]:
    finite = values[np.isfinite(values)].astype(np.float64)
    nonzero = np.abs(finite[finite != 0])
    if finite.size and np.all(np.ceil(finite) == finite):
        sci = nonzero.size > 0 and nonzero.max() > 1e8
        fmt = (lambda x: f"{x:.{PRECISION}e}") if sci else (lambda x: f"{x:.0f}.")
    elif nonzero.size:
        hi, lo = nonzero.max(), nonzero.min()
        sci = hi / lo > 1000.0 or hi > 1e8 or lo < 1e-4
        fmt = (lambda x: f"{x:.{PRECISION}e}") if sci else (lambda x: f"{x:.{PRECISION}f}")
    else:
        fmt = lambda x: f"{x:.{PRECISION}f}"  # noqa: E731

    def one(x: float) -> str:
        return ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")) if not math.isfinite(x) else fmt(x)

    sample = values if values.size <= 1000 else _summary_sample(values)
    width = max((len(one(float(v))) for v in sample.ravel()), default=0)
    return lambda x: one(float(x)).rjust(width)


def _summary_sample(values: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows: the first and last 3 along every axis."""
    for axis, n in enumerate(values.shape):
        if n > 6:
            values = np.concatenate([np.take(values, range(3), axis), np.take(values, range(n - 3, n), axis)], axis)
    return values


def format_data(array: np.ndarray, prefix: str) -> str:
    if array.dtype.kind == "f":
        formatter = {"float_kind": _float_formatter(array)}
    elif array.dtype.kind == "b":
        formatter = {"bool": lambda x: str(bool(x))}
    else:
        width = len(str(array.max())) if array.size else 0
        width = max(width, len(str(array.min()))) if array.size else 0
        formatter = {"int": lambda x: str(x).rjust(width)}
    if array.ndim == 0:
        return next(iter(formatter.values()))(array.item()).strip()
    return np.array2string(
        array, separator=", ", prefix=prefix, formatter=formatter, threshold=1000, edgeitems=3, max_line_width=80
    )


def tensor_repr(t: Any, name: str = "tensor") -> str:
    array = t._data
    prefix = f"{name}("
    suffixes = []
    if array.size == 0 and array.shape != (0,):
        body = "[]"
        suffixes.append(f"size={tuple(array.shape)}")
    else:
        body = format_data(array, prefix)
    d = t.dtype
    if d not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_):
        suffixes.append(f"dtype={d!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return prefix + ", ".join([body] + suffixes) + ")"
