"""`logspace`: `steps` powers base^e with the exponents e evenly spaced from start to end."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _dtype, _tensor
from ._c_math import fma
from ._convert import as_dtype, checked_scalar
from ._creation import _new


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Optional[_dtype.dtype] = None,
             device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """base^(start + i step), step = (end - start) / (steps - 1), as torch computes it: start and
    end in the dtype, the exponent in double (one fused multiply-add, from start for the first
    half and from end for the second, so both ends are exact), the power in double, then cast
    (an integer dtype truncates, and wraps where the power overflows it, as C++'s cast does)."""
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, _tensor.Tensor) and v.ndim:
            raise RuntimeError(f"logspace only supports 0-dimensional start and end tensors, but got {name} with {v.ndim} dimension(s).")
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"logspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"number of steps must be non-negative, got {steps}")
    dtype = _dtype.get_default_dtype() if dtype is None else as_dtype(dtype)
    first = np.float64(checked_scalar(start, dtype))
    last = np.float64(checked_scalar(end, dtype))
    # an integer dtype's base is a float, as in torch's kernel
    b = np.float64(np.float32(base)) if not dtype.is_floating_point else np.float64(base)
    if steps == 1:  # torch's one power: of the start as given, not as the dtype holds it
        exponent = np.float64(start.item() if isinstance(start, _tensor.Tensor) else start)
        return _new(_dtype.astype(np.array([np.power(np.float64(base), exponent)]), dtype.numpy), requires_grad, device)
    step = (last - first) / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    lower = i < steps // 2
    exponent = np.where(lower, fma(np.full(steps, step), i, np.full(steps, first)),
                        fma(np.full(steps, -step), steps - 1 - i, np.full(steps, last)))
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.power(b, exponent)
    return _new(_dtype.astype(values, dtype.numpy), requires_grad, device)
