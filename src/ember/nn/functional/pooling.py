"""Pooling and interpolation as `torch.nn.functional` spells them.

max_pool1d/2d, avg_pool1d/2d, adaptive_avg_pool1d/2d, adaptive_max_pool1d/2d and
interpolate (nearest, linear, bilinear). The 1-d forms run the 2-d op on a (N, C, 1, L) view,
as torch does; unbatched (C, *S) inputs get a batch dim and lose it again. The arithmetic is in
`ember.ops.pool`.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

import numpy as np

from ..._tensor import Tensor
from ...ops.conv import Geometry, geometry
from ...ops.pool import AdaptiveMaxPool2D, AvgPool2D, MaxPool2DWithIndices, avg_pool_scale, pool_output_size
from ...ops.resample_modes import (
    UpsampleBicubic2D, UpsampleNearest3D, UpsampleNearestExact1D, UpsampleNearestExact2D, UpsampleNearestExact3D,
    UpsampleTrilinear3D, cubic_plan, nearest_exact_plan,
)
from ...ops.resample_separable import separable_interpolate
from ...ops.resample import (
    AdaptiveAvgPool2D, UpsampleBilinear2D, UpsampleLinear1D, UpsampleNearest1D, UpsampleNearest2D, adaptive_avg_plan,
    linear_plan, nearest_plan,
)

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d", "avg_pool1d",
    "avg_pool2d", "interpolate", "max_pool1d", "max_pool2d",
]

Size = Union[int, Sequence[int]]
OptionalSize = Union[Optional[int], Sequence[Optional[int]]]


def _pair(value: Size, name: str, fn: str) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    out = tuple(int(v) for v in value)
    if len(out) == 1:
        return out[0], out[0]
    if len(out) != 2:
        raise RuntimeError(f"{fn}: {name} must either be a single int, or a tuple of two ints")
    return out


def _stride(stride: Optional[Size], kernel_size: Size) -> Size:
    """torch's default stride: the kernel size (also for an empty list)."""
    return kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) else stride


def _batched(input: Tensor, fn: str) -> tuple[Tensor, bool]:
    """A 4-d input, and whether a batch dim was added; channels and sizes must be non-empty.
    max_pool2d words a wrong number of dims as torch's max_pool2d_with_indices kernel does."""
    if input.ndim not in (3, 4) and fn == "max_pool2d":
        raise RuntimeError(f"non-empty 3D or 4D (batch mode) tensor expected for input, but got: {list(input.shape)}")
    if input.ndim not in (3, 4) or 0 in input._data.shape[-3:]:
        raise RuntimeError(
            f"{fn}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:"
            f"{list(input.shape)}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def _as_1d(input: Tensor, fn: str) -> Tensor:
    """(N, C, L) or (C, L) as (N, C, 1, L) or (C, 1, L), for the 2-d op."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{fn}: Expected 2D or 3D (batch mode) tensor for input, but got:{list(input.shape)}")
    return input.unsqueeze(-2)


def _over_height_1(value: Size, height: int = 1) -> tuple[int, int]:
    """A 1-d pooling argument as the 2-d one over a (1, L) input: kernel, stride and dilation
    are 1 along the height, padding 0."""
    return height, value if isinstance(value, int) else int(value[0])


def _pool_geometry(
    x: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, ceil_mode: bool, fn: str,
) -> Geometry:
    """The windows of a pooling, checked as torch checks them."""
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{fn}: kernel size should be greater than zero, but got kernel_size={list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{fn}: stride should be greater than zero, but got stride={list(stride)}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{fn}: dilation should be greater than zero, but got dilation={list(dilation)}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"{fn}: pad must be non-negative, but got pad: {list(padding)}")
    for p, k, d in zip(padding, kernel, dilation):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and dilation={d}"
            )
    if any(p > k // 2 for p, k in zip(padding, kernel)):  # torch's second check ignores the dilation
        raise RuntimeError(
            f"pad should be smaller than or equal to half of kernel size, but got padW = {padding[1]}, padH = "
            f"{padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}"
        )
    size = tuple(x._data.shape[2:])
    out = tuple(pool_output_size(*args, ceil_mode) for args in zip(size, kernel, stride, padding, dilation))
    if any(o < 1 for o in out):
        c = x.shape[1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (c,) + size))}). Calculated output size: "
            f"({'x'.join(map(str, (c,) + out))}). "
            "Output size is too small"
        )
    return geometry(kernel, stride, padding, dilation, 1, size, out)


def max_pool2d(
    input: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, dilation: Size = 1,
    ceil_mode: bool = False, return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    """y[n, c, i, j] = max over the window at (i s_h - p_h, j s_w - p_w) of size k, taps d apart
    (padding counts as -inf). stride defaults to kernel_size; ceil_mode rounds the output size
    up. With return_indices, also the flat index h W + w of each maximum (int64), as MaxUnpool
    takes it. The gradient goes to the maximum: the first in the window on ties.

    >>> F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    kernel = _pair(kernel_size, "kernel_size", "max_pool2d")
    stride = _pair(_stride(stride, kernel), "stride", "max_pool2d")
    x, unbatched = _batched(input, "max_pool2d")
    g = _pool_geometry(
        x, kernel, stride, _pair(padding, "padding", "max_pool2d"), _pair(dilation, "dilation", "max_pool2d"),
        ceil_mode, "max_pool2d",
    )
    if not return_indices:
        values = MaxPool2DWithIndices.apply(x, g, False)
        return values.squeeze(0) if unbatched else values
    values, indices = MaxPool2DWithIndices.apply(x, g, True)
    return (values.squeeze(0), indices.squeeze(0)) if unbatched else (values, indices)


def max_pool1d(
    input: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, dilation: Size = 1,
    ceil_mode: bool = False, return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    """y[n, c, i] = max of x[n, c, i s - p + t d] over t < kernel_size; see max_pool2d."""
    stride = _stride(stride, kernel_size)
    x = _as_1d(input, "max_pool1d")
    result = max_pool2d(
        x, _over_height_1(kernel_size), _over_height_1(stride), _over_height_1(padding, 0), _over_height_1(dilation),
        ceil_mode, return_indices,
    )
    if return_indices:
        return result[0].squeeze(-2), result[1].squeeze(-2)
    return result.squeeze(-2)


def avg_pool2d(
    input: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, ceil_mode: bool = False,
    count_include_pad: bool = True, divisor_override: Optional[int] = None,
) -> Tensor:
    """y[n, c, i, j] = (sum of the window at (i s_h - p_h, j s_w - p_w)) / divisor, where the
    divisor counts the window's elements, its zero padding included when count_include_pad
    (never the part past the padding that ceil_mode adds), or is divisor_override.

    >>> F.avg_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    kernel = _pair(kernel_size, "kernel_size", "avg_pool2d")
    stride = _pair(_stride(stride, kernel), "stride", "avg_pool2d")
    x, unbatched = _batched(input, "avg_pool2d")
    g = _pool_geometry(x, kernel, stride, _pair(padding, "padding", "avg_pool2d"), (1, 1), ceil_mode, "avg_pool2d")
    y = AvgPool2D.apply(x, g, avg_pool_scale(g, count_include_pad, divisor_override))
    return y.squeeze(0) if unbatched else y


def avg_pool1d(
    input: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """y[n, c, i] = mean of x[n, c, i s - p + t] over t < kernel_size; see avg_pool2d."""
    stride = _stride(stride, kernel_size)
    x = _as_1d(input, "avg_pool1d")
    kernel, stride, padding = _over_height_1(kernel_size), _over_height_1(stride), _over_height_1(padding, 0)
    y = avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad)
    return y.squeeze(-2)


def _adaptive_size(input: Tensor, output_size: OptionalSize, nd: int, fn: str) -> tuple[int, ...]:
    """output_size as ints, None meaning the input's size in that dim."""
    sizes = (output_size,) * nd if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != nd:
        raise RuntimeError(f"{fn}: output_size must be {nd}")
    out = tuple(n if s is None else int(s) for s, n in zip(sizes, input._data.shape[-nd:]))
    if any(s < 0 for s in out):
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received {list(out)}")
    return out


def _output_size_fits(input: Tensor, output_size: OptionalSize) -> None:
    """torch's F.adaptive_*_pool{2,3}d check: a sequence output_size needs an input with more dims."""
    if not (output_size is None or isinstance(output_size, int)) and input.ndim <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")


def _adaptive_input(input: Tensor, output_size: OptionalSize, fn: str) -> tuple[Tensor, bool]:
    _output_size_fits(input, output_size)
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def adaptive_avg_pool2d(input: Tensor, output_size: OptionalSize) -> Tensor:
    """y[n, c, i, j] = mean of x[n, c, h, w] over the bin h in [floor(i H / oH), ceil((i + 1) H / oH)),
    w likewise: bins cover the input, overlapping when the sizes don't divide.

    >>> F.adaptive_avg_pool2d(ember.ones(2, 3, 7, 9), (2, 4)).shape
    (2, 3, 2, 4)
    """
    x, unbatched = _adaptive_input(input, output_size, "adaptive_avg_pool2d")
    out = _adaptive_size(x, output_size, 2, "adaptive_avg_pool2d")
    plans = tuple(None if m == n else adaptive_avg_plan(n, m) for n, m in zip(x._data.shape[2:], out))
    y = AdaptiveAvgPool2D.apply(x, plans)
    return y.squeeze(0) if unbatched else y


def adaptive_avg_pool1d(input: Tensor, output_size: OptionalSize) -> Tensor:
    """y[n, c, i] = mean of x[n, c, l] over l in [floor(i L / oL), ceil((i + 1) L / oL))."""
    size = _adaptive_size(input, output_size, 1, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(_as_1d(input, "adaptive_avg_pool1d"), (1,) + size).squeeze(-2)


def adaptive_max_pool2d(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    """y[n, c, i, j] = max over the bins of adaptive_avg_pool2d; with return_indices also the
    flat index h W + w of each maximum. The gradient goes to the maximum (first on ties)."""
    x, unbatched = _adaptive_input(input, output_size, "adaptive_max_pool2d")
    out = _adaptive_size(x, output_size, 2, "adaptive_max_pool2d")
    values, indices = AdaptiveMaxPool2D.apply(x, out)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(
    input: Tensor, output_size: OptionalSize, return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    """y[n, c, i] = max of x[n, c, l] over the bins of adaptive_avg_pool1d."""
    size = _adaptive_size(input, output_size, 1, "adaptive_max_pool1d")
    values, indices = adaptive_max_pool2d(_as_1d(input, "adaptive_max_pool1d"), (1,) + size, True)
    values, indices = values.squeeze(-2), indices.squeeze(-2)
    return (values, indices) if return_indices else values


_RESAMPLERS = {
    ("nearest", 1): UpsampleNearest1D, ("nearest", 2): UpsampleNearest2D, ("nearest", 3): UpsampleNearest3D,
    ("nearest-exact", 1): UpsampleNearestExact1D, ("nearest-exact", 2): UpsampleNearestExact2D,
    ("nearest-exact", 3): UpsampleNearestExact3D, ("linear", 1): UpsampleLinear1D, ("bilinear", 2): UpsampleBilinear2D,
    ("trilinear", 3): UpsampleTrilinear3D, ("bicubic", 2): UpsampleBicubic2D,
    ("area", 1): AdaptiveAvgPool2D, ("area", 2): AdaptiveAvgPool2D, ("area", 3): AdaptiveAvgPool2D,
}
_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _output_and_scales(
    input: Tensor, size: OptionalSize, scale_factor: Union[float, Sequence[float], None], recompute: Optional[bool],
) -> tuple[tuple[int, ...], tuple[Optional[float], ...]]:
    nd = input.ndim - 2
    spatial = list(input._data.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        out = (size,) * nd if isinstance(size, int) else tuple(size)
        if len(out) != nd:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                f"dimensions of {spatial} and output size of {size}. Please provide input tensor in (N, C, d1, d2, "
                "...,dK) format and output size in (o1, o2, ...,oK) format."
            )
        return tuple(int(o) for o in out), (None,) * nd
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = (scale_factor,) * nd if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
    if len(scales) != nd:
        raise ValueError(
            f"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {spatial} and scale_factor of shape {scale_factor}. Please provide input tensor in (N, C, "
            "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
        )
    out = tuple(math.floor(float(n) * float(s)) for n, s in zip(spatial, scales))
    return out, (None,) * nd if recompute else tuple(float(s) for s in scales)


def interpolate(
    input: Tensor, size: OptionalSize = None, scale_factor: Union[float, Sequence[float], None] = None,
    mode: str = "nearest", align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
    antialias: bool = False,
) -> Tensor:
    """Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W) to `size`, or to floor(n * scale_factor)
    per dim (r below is 1/scale_factor, or n/out when recompute_scale_factor or `size`).

    nearest: y[i] = x[min(floor(i r), n - 1)]; nearest-exact: x[min(floor((i + 1/2) r), n - 1)].
    linear (3-d) / bilinear (4-d) / trilinear (5-d), per dim: the source position x = i (n - 1)/(out - 1)
    when align_corners, else max((i + 1/2) r - 1/2, 0); y = (1 - l) x[floor(x)] + l x[floor(x) + 1].
    bicubic (4-d): Keys' cubic convolution (A = -0.75) of the four nearest inputs, edge
    pixels repeated (see `ember.ops.resample_modes`). area: adaptive_avg_pool to the output size.

    >>> F.interpolate(ember.ones(1, 3, 4, 4), scale_factor=2, mode="bilinear").shape
    (1, 3, 8, 8)
    """
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear"
        )
    if antialias:
        if not (mode in ("bilinear", "bicubic") and input.ndim == 4):
            raise ValueError(
                "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input"
            )
    if mode in _LINEAR_DIMS and input.ndim != _LINEAR_DIMS[mode] + 2:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR_DIMS[mode] + 2}D input")
    out, scales = _output_and_scales(input, size, scale_factor, recompute_scale_factor)
    resampler = _RESAMPLERS.get((mode, input.ndim - 2))
    if resampler is None:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})"
        )
    spatial = tuple(input._data.shape[2:])
    if any(n <= 0 for n in spatial) or any(o <= 0 for o in out):
        names = ", ".join(f"{d}: {{}}" for d in "DHW"[3 - len(out):])
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input ({names.format(*spatial)}) output "
            f"({names.format(*out)})"
        )
    if antialias or (mode in ("bilinear", "bicubic") and input._data.dtype == np.uint8):
        return separable_interpolate(input, mode, out, scales, bool(align_corners), antialias)
    if mode == "nearest":
        plans = tuple(nearest_plan(n, o, s) for n, o, s in zip(spatial, out, scales))
    elif mode == "nearest-exact":
        plans = tuple(nearest_exact_plan(n, o, s) for n, o, s in zip(spatial, out, scales))
    elif mode == "area":
        plans = tuple(None if n == o else adaptive_avg_plan(n, o) for n, o in zip(spatial, out))
    elif mode == "bicubic":
        dtype = input._data.dtype
        plans = tuple(cubic_plan(n, o, s, bool(align_corners), dtype) for n, o, s in zip(spatial, out, scales))
    else:
        dtype = input._data.dtype
        plans = tuple(linear_plan(n, o, s, bool(align_corners), dtype) for n, o, s in zip(spatial, out, scales))
    return resampler.apply(input, plans)
