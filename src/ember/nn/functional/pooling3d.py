"""3-d pooling as `torch.nn.functional` spells it: max_pool3d, avg_pool3d, adaptive_avg_pool3d
and adaptive_max_pool3d over (N, C, D, H, W) or (C, D, H, W) input. The ops in `ember.ops.pool`
and `ember.ops.resample` work in any number of spatial dims; this file checks and shapes the
arguments as torch does."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from ..._tensor import Tensor
from ...ops.pool import AdaptiveMaxPool2D, AvgPool2D, MaxPool2DWithIndices, avg_pool_scale
from ...ops.resample import AdaptiveAvgPool2D, adaptive_avg_plan
from .pooling import _adaptive_size, _output_size_fits, _pool_geometry, _stride

__all__ = ["adaptive_avg_pool3d", "adaptive_max_pool3d", "avg_pool3d", "max_pool3d"]

Size = Union[int, Sequence[int]]
OptionalSize = Union[Optional[int], Sequence[Optional[int]]]


def _triple(value: Size, name: str, fn: str) -> tuple[int, int, int]:
    if isinstance(value, int):
        return value, value, value
    out = tuple(int(v) for v in value)
    if len(out) == 1:
        return out * 3
    if len(out) != 3:
        raise RuntimeError(f"{fn}: {name} must either be a single int, or a tuple of three ints")
    return out


def _batched(input: Tensor) -> tuple[Tensor, bool]:
    if input.ndim not in (4, 5) or 0 in input.shape[-4:]:
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def max_pool3d(
    input: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, dilation: Size = 1,
    ceil_mode: bool = False, return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    """y[n, c, t, i, j] = max over the window at (t s_d - p_d, i s_h - p_h, j s_w - p_w), taps d
    apart (padding counts as -inf); with return_indices also the flat index (d H + h) W + w of
    each maximum. See max_pool2d.

    >>> F.max_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
    (1, 1, 2, 2, 2)
    """
    kernel = _triple(kernel_size, "kernel_size", "max_pool3d")
    stride = _triple(_stride(stride, kernel), "stride", "max_pool3d")
    x, unbatched = _batched(input)
    g = _pool_geometry(
        x, kernel, stride, _triple(padding, "padding", "max_pool3d"), _triple(dilation, "dilation", "max_pool3d"),
        ceil_mode, "max_pool3d",
    )
    values, indices = MaxPool2DWithIndices.apply(x, g, True)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def avg_pool3d(
    input: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, ceil_mode: bool = False,
    count_include_pad: bool = True, divisor_override: Optional[int] = None,
) -> Tensor:
    """y[n, c, t, i, j] = (sum of the window) / divisor, the divisor as in avg_pool2d.

    >>> F.avg_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
    (1, 1, 2, 2, 2)
    """
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    kernel = _triple(kernel_size, "kernel_size", "avg_pool3d")
    stride = _triple(_stride(stride, kernel), "stride", "avg_pool3d")
    x, unbatched = _batched(input)
    g = _pool_geometry(x, kernel, stride, _triple(padding, "padding", "avg_pool3d"), (1, 1, 1), ceil_mode, "avg_pool3d")
    y = AvgPool2D.apply(x, g, avg_pool_scale(g, count_include_pad, divisor_override))
    return y.squeeze(0) if unbatched else y


def _adaptive_input(input: Tensor, output_size: OptionalSize, fn: str, colon: str) -> tuple[Tensor, bool]:
    _output_size_fits(input, output_size)
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{fn}(): Expected 4D or 5D tensor, but got{colon} {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def adaptive_avg_pool3d(input: Tensor, output_size: OptionalSize) -> Tensor:
    """y[n, c, t, i, j] = mean over the bin [floor(t D / oD), ceil((t + 1) D / oD)) x ... (see
    adaptive_avg_pool2d).

    >>> F.adaptive_avg_pool3d(ember.ones(1, 2, 5, 7, 3), (2, 3, 1)).shape
    (1, 2, 2, 3, 1)
    """
    x, unbatched = _adaptive_input(input, output_size, "adaptive_avg_pool3d", "")
    out = _adaptive_size(x, output_size, 3, "adaptive_avg_pool3d")
    plans = tuple(None if m == n else adaptive_avg_plan(n, m) for n, m in zip(x.shape[2:], out))
    y = AdaptiveAvgPool2D.apply(x, plans)
    return y.squeeze(0) if unbatched else y


def adaptive_max_pool3d(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    """y[n, c, t, i, j] = max over the bins of adaptive_avg_pool3d; with return_indices also the
    flat index (d H + h) W + w of each maximum."""
    x, unbatched = _adaptive_input(input, output_size, "adaptive_max_pool3d", ":")
    out = _adaptive_size(x, output_size, 3, "adaptive_max_pool3d")
    values, indices = AdaptiveMaxPool2D.apply(x, out)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values
