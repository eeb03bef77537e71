"""`gradient`: the derivative of sampled values along each dimension by second-order central
differences inside and first- or second-order one-sided differences at the edges, composed from
differentiable ops as torch composes them (so its gradients and dtypes are torch's)."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from .._tensor import Tensor
from ._util import normalize_dims
from .index import narrow
from .join import cat

Spacing = Union[float, Sequence[float], Sequence[Tensor], None]


def _slice(t: Tensor, dim: int, start: int, stop: Optional[int] = None) -> Tensor:
    """t[start:stop] along dim (negative bounds count from the end)."""
    n = t.shape[dim]
    begin = start % n if start < 0 else start
    end = n if stop is None else (stop % n if stop < 0 else stop)
    return narrow(t, dim, begin, end - begin)


def _uniform(y: Tensor, h: Any, d: int, edge_order: int) -> Tensor:
    """Spacing h: (y_(i+1) - y_(i-1)) / 2h inside; (y_1 - y_0) / h at the edges, or the
    second-order (-3/2 y_0 + 2 y_1 - 1/2 y_2) / h."""
    center = (_slice(y, d, 2) - _slice(y, d, 0, -2)) / h
    if edge_order == 1:
        first = (_slice(y, d, 1, 2) - _slice(y, d, 0, 1)) / h
        last = (_slice(y, d, -1) - _slice(y, d, -2, -1)) / h
    else:
        first = (_slice(y, d, 0, 1) * -1.5 + _slice(y, d, 1, 2) * 2 - _slice(y, d, 2, 3) * 0.5) / h
        last = (_slice(y, d, -3, -2) * 0.5 + _slice(y, d, -2, -1) * -2 + _slice(y, d, -1) * 1.5) / h
    return cat([first, center / 2, last], d)


def _coordinates(y: Tensor, x: Tensor, d: int, edge_order: int) -> Tensor:
    """Sample coordinates x along d: with steps h1 = x_i - x_(i-1), h2 = x_(i+1) - x_i, the
    centre is (-h2 / (h1 (h1 + h2))) y_(i-1) + ((h2 - h1) / (h1 h2)) y_i + (h1 / (h2 (h1 + h2))) y_(i+1);
    the edges the one-sided differences of the same orders on uneven steps."""
    if x.ndim != 1:
        raise RuntimeError("torch.gradient expected each element of spacing to have one dimension, but got an element "
                           f"with {x.ndim} dimensions!")
    shape = [-1 if i == d else 1 for i in range(y.ndim)]
    h = x.diff(1, 0)
    h1, h2 = h[:-1], h[1:]
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * _slice(y, d, 0, -2) + b * _slice(y, d, 1, -1) + c * _slice(y, d, 2)
    if edge_order == 1:
        first = (_slice(y, d, 1, 2) - _slice(y, d, 0, 1)) / h[0]
        last = (_slice(y, d, -1) - _slice(y, d, -2, -1)) / h[-1]
    else:
        a = -(2.0 * h[0] + h[1]) / (h[0] * (h[0] + h[1]))
        b = (h[0] + h[1]) / (h[0] * h[1])
        c = (-h[0]) / (h[1] * (h[0] + h[1]))
        first = a * _slice(y, d, 0, 1) + b * _slice(y, d, 1, 2) + c * _slice(y, d, 2, 3)
        a = h[-1] / (h[-2] * (h[-1] + h[-2]))
        b = -(h[-1] + h[-2]) / (h[-1] * h[-2])
        c = (2 * h[-1] + h[-2]) / (h[-1] * (h[-1] + h[-2]))
        last = a * _slice(y, d, -3, -2) + b * _slice(y, d, -2, -1) + c * _slice(y, d, -1)
    return cat([first, center, last], d)


def gradient(input: Tensor, *, spacing: Spacing = 1, dim: Union[int, Sequence[int], None] = None,
             edge_order: int = 1) -> tuple[Tensor, ...]:
    """dy/dx_d for each dimension d in `dim` (all by default), one tensor each, of input's shape.
    `spacing` is a scalar step for every dimension, one step per dimension, or one 1-d tensor of
    sample coordinates per dimension."""
    if input._data.dtype.kind == "u" and input._data.dtype.itemsize == 1:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    steps = [1 if spacing is None else spacing] * len(dims) if not isinstance(spacing, (list, tuple)) else list(spacing)
    if isinstance(spacing, (list, tuple)) and len(steps) != len(dims):
        expected = (f"a scalar or it's spacing and dim arguments to have the same length, but got a spacing argument of "
                    f"length {len(steps)} and a dim argument of length {len(dims)}." if dim is not None else
                    f"a scalar, or a list of length equal to 'self.dim() = {input.ndim}', since dim argument was not given, "
                    f"but got a list of length {len(steps)}")
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, {expected}")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dims and input.ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    if dims:
        normalize_dims(dims, input.ndim)
    wrapped = [d % input.ndim for d in dims]
    if any(input.shape[d] < edge_order + 1 for d in wrapped):
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(
        _coordinates(input, step, d, edge_order) if isinstance(step, Tensor) else _uniform(input, step, d, edge_order)
        for d, step in zip(wrapped, steps)
    )
