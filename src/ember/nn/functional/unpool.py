"""The inverses and relatives of max pooling: max_unpool1d/2d/3d (each value put back where
max pooling found it, zeros elsewhere) and lp_pool1d/2d/3d (the power-p mean of each window).

max_unpool is `ember.ops.unpool.MaxUnpool`; lp_pool is torch's
composition of pow, avg_pool, sign, relu and pow, so its gradient is torch's too."""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

from ..._tensor import Tensor
from ...ops.unpool import MaxUnpool
from .activation import relu
from .pooling import avg_pool1d, avg_pool2d
from .pooling3d import avg_pool3d

__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d"]

Size = Union[int, Sequence[int]]


def _ntuple(value: Size, nd: int) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * nd
    out = tuple(int(v) for v in value)
    return out * nd if len(out) == 1 else out


def _unpool_output_size(
    input: Tensor, kernel: tuple, stride: tuple, padding: tuple, output_size: Optional[Sequence[int]],
) -> tuple[int, ...]:
    """torch's: (n - 1) s + k - 2p per dim by default; a given output_size (optionally with
    the batch and channel dims) must lie strictly within stride of that."""
    nd = len(kernel)
    default = tuple((n - 1) * s + k - 2 * p for n, s, k, p in zip(input.shape[-nd:], stride, kernel, padding))
    if output_size is None:
        return default
    wanted = tuple(int(v) for v in output_size)
    if len(wanted) == nd + 2:
        wanted = wanted[2:]
    if len(wanted) != nd:
        raise ValueError(
            f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a length of '{len(wanted)}'"
        )
    for d, (w, n, s) in enumerate(zip(wanted, default, stride)):
        if not n - s < w < n + s:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {d} must be between {n - s} and {n + s})')
    return wanted


def _max_unpool(
    input: Tensor, indices: Tensor, kernel_size: Size, stride: Optional[Size], padding: Size,
    output_size: Optional[Sequence[int]], nd: int,
) -> Tensor:
    kernel = _ntuple(kernel_size, nd)
    stride = kernel if stride is None else _ntuple(stride, nd)
    size = _unpool_output_size(input, kernel, stride, _ntuple(padding, nd), output_size)
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) but got indices "
            f"tensor with shape: {list(indices.shape)}"
        )
    unbatched = input.ndim == nd + 1
    x, index = (input.unsqueeze(0), indices.unsqueeze(0)) if unbatched else (input, indices)
    flat = index.numpy()
    bad = (flat < 0) | (flat >= math.prod(size))
    if bad.any():
        raise RuntimeError(
            f"Found an invalid max index: {int(flat[bad].ravel()[0])} (output volumes are of size "
            f"{'x'.join(map(str, size))})"
        )
    y = MaxUnpool.apply(x, flat, size)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(
    input: Tensor, indices: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0,
    output_size: Optional[Sequence[int]] = None,
) -> Tensor:
    """y (N, C, L_out) = zeros with y[n, c, indices[n, c, i]] = x[n, c, i]: the inverse of
    max_pool1d(return_indices=True) on its maxima; L_out = (L - 1) s + k - 2p unless given."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(
    input: Tensor, indices: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0,
    output_size: Optional[Sequence[int]] = None,
) -> Tensor:
    """y (N, C, H_out, W_out) = zeros with x[n, c, i, j] placed at flat index indices[n, c, i, j]
    = h W_out + w; the inverse of max_pool2d(return_indices=True) on its maxima.

    >>> y, i = F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2, return_indices=True)
    >>> F.max_unpool2d(y, i, 2)[0, 0, 1]
    tensor([0., 5., 0., 7.])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(
    input: Tensor, indices: Tensor, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0,
    output_size: Optional[Sequence[int]] = None,
) -> Tensor:
    """The 3-d max_unpool2d: flat indices (d H_out + h) W_out + w."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


def _lp_pool(pooled: Tensor, norm_type: float, kernel: tuple) -> Tensor:
    """(sign(m) relu(|m|) * prod(k))^(1/p) with m the window mean of x^p: the window's p-norm."""
    return (pooled.sign() * relu(pooled.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Optional[Size] = None, ceil_mode: bool = False) -> Tensor:
    """y[n, c, i] = (sum of x^p over the window)^(1/p), p = norm_type.

    >>> F.lp_pool1d(ember.tensor([[[3.0, 4.0]]]), 2, 2)
    tensor([[[5.]]])
    """
    kernel = _ntuple(kernel_size, 1)
    pooled = avg_pool1d(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return _lp_pool(pooled, norm_type, kernel)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Size, stride: Optional[Size] = None, ceil_mode: bool = False) -> Tensor:
    """y[n, c, i, j] = (sum of x^p over the window)^(1/p), p = norm_type."""
    kernel = _ntuple(kernel_size, 2)
    pooled = avg_pool2d(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return _lp_pool(pooled, norm_type, kernel)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Size, stride: Optional[Size] = None, ceil_mode: bool = False) -> Tensor:
    """y[n, c, t, i, j] = (sum of x^p over the window)^(1/p), p = norm_type."""
    kernel = _ntuple(kernel_size, 3)
    pooled = avg_pool3d(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return _lp_pool(pooled, norm_type, kernel)
