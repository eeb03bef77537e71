"""Convolution as im2col + one matrix product, in any number of spatial dimensions.

A convolution with weight w (C_out, C_in / G, *K), stride s, dilation d and padding p maps
x (N, C_in, *S) to

    y[n, o, *q] = sum_{c, *k} w[o, c, *k] * xp[n, g(o) C_in/G + c, *(q s + k d)]

where xp is x zero-padded and g(o) the group of output channel o. Gathering every window of
xp into the columns X (G, C_in/G * prod(K), N * prod(Q)) (a strided view of xp, copied once)
makes it one batched GEMM per group:  Y = W X  with W (G, C_out/G, C_in/G * prod(K)).

Three linear maps close under differentiation, so each backward is written with the other two
and gradients of gradients come for free:

- `Convolution`      y = conv(x, w) + b
- `ConvTranspose`    x = conv^T(y, w) + b: the adjoint in x, col2im of W^T Y, which sums the
  columns back onto the image by one strided add per kernel offset (no `np.add.at`)
- `ConvWeight`       dw = dconv/dw^T (x, dy) = dY X^T

    dconv/dx^T dy = conv^T(dy, w)        dconv/dw^T dy = ConvWeight(x, dy)
    dconv^T/dy^T dx = conv(dx, w)        dconv^T/dw^T dx = ConvWeight(dx, y)
    ConvWeight(x, dy) . H = x . conv^T(dy, H) = dy . conv(x, H)
"""

from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd.function import Function
from ._util import data


@dataclass(frozen=True)
class Geometry:
    """Everything but the data of one convolution x (N, C_in, *in_size) -> y (N, C_out, *out_size).

    `pad` is the zero padding before each spatial dim; after it, as much as the last window
    needs (windows past `out_size` are never formed, so the transposed convolution can ask for
    the output sizes that output_padding gives). The derived index tuples are computed once
    per geometry (the functional layer reuses geometries)."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    pad: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int
    in_size: tuple[int, ...]
    out_size: tuple[int, ...]

    @cached_property
    def span(self) -> tuple[int, ...]:
        """The extent of one dilated window: d (k - 1) + 1."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel, self.dilation))

    @cached_property
    def padded_size(self) -> tuple[int, ...]:
        """The size of the zero-padded image: the padding before, the input, and after it
        whatever the last window reaches past the input."""
        return tuple(
            max(p + n, (q - 1) * s + e)
            for p, n, q, s, e in zip(self.pad, self.in_size, self.out_size, self.stride, self.span)
        )

    @cached_property
    def inner(self) -> tuple[slice, ...]:
        """The index of the input inside the padded image (batch and channel dims included)."""
        return _ALL + tuple(slice(p, p + n) for p, n in zip(self.pad, self.in_size))

    @cached_property
    def offsets(self) -> list[tuple[tuple[int, ...], tuple[slice, ...]]]:
        """For each kernel offset k (row-major), the index of the padded image's elements that
        it meets in the windows: start k d, step s, one per output position."""
        steps = list(zip(self.dilation, self.out_size, self.stride))
        return [
            (offset, _ALL + tuple(slice(k * d, k * d + (q - 1) * s + 1, s) for k, (d, q, s) in zip(offset, steps)))
            for offset in itertools.product(*[range(k) for k in self.kernel])
        ]

    @cached_property
    def disjoint(self) -> bool:
        """Whether no two windows share an element (stride at least the span in every dim)."""
        return all(s >= e for s, e in zip(self.stride, self.span))

    @cached_property
    def wide_grid(self) -> Optional[tuple[int, ...]]:
        """For stride 1: the output grid widened to the padded image's size in every dim but
        the first. Output q at kernel offset k then sits at flat position
        flat(q) + flat(k d) of the padded image, so each offset's block of a widened grid is
        one contiguous run of it (the strided 2-d block has rows only out_size[-1] long)."""
        if any(s != 1 for s in self.stride):
            return None
        return self.out_size[:1] + self.padded_size[1:]

    @cached_property
    def wide_starts(self) -> list[tuple[tuple[int, ...], int]]:
        """Each kernel offset with where its run starts in the flattened padded image."""
        size = self.padded_size
        strides = [math.prod(size[i + 1:]) for i in range(len(size))]
        return [(offset, sum(k * d * t for k, d, t in zip(offset, self.dilation, strides))) for offset, _ in self.offsets]


_ALL = (slice(None), slice(None))


@lru_cache(maxsize=512)
def geometry(
    kernel: tuple[int, ...], stride: tuple[int, ...], pad: tuple[int, ...], dilation: tuple[int, ...], groups: int,
    in_size: tuple[int, ...], out_size: tuple[int, ...],
) -> Geometry:
    """The Geometry of these arguments, one object per distinct call: a layer called on
    same-sized batches reuses its index tuples."""
    return Geometry(kernel, stride, pad, dilation, groups, in_size, out_size)


def output_size(size: int, kernel: int, stride: int, pad_before: int, pad_after: int, dilation: int) -> int:
    """floor((n + p_before + p_after - d (k - 1) - 1) / s) + 1, the number of windows."""
    return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1


def channel_major(x: np.ndarray) -> bool:
    """Whether an (N, C, ...) array is stored with its channels outermost, as a convolution's
    output is (and, by NumPy's order "K", whatever is computed elementwise from it)."""
    return x.ndim > 2 and x.shape[0] > 1 and x.strides[1] > x.strides[0]


def empty_nc(shape: tuple[int, ...], dtype: Any, channels_outer: bool) -> np.ndarray:
    """An uninitialised (N, C, ...) array, stored channel-major if asked: results made in the
    layout of their inputs keep a chain of layers free of transposing copies."""
    if channels_outer:
        return np.empty((shape[1], shape[0]) + tuple(shape[2:]), dtype=dtype).swapaxes(0, 1)
    return np.empty(shape, dtype=dtype)


def padded(x: np.ndarray, g: Geometry, value: float = 0.0) -> np.ndarray:
    """x padded with `value` to (N, C, *g.padded_size), or x itself when no padding is needed
    (windows past `out_size` are never formed, so extra input at the end is harmless)."""
    size = g.padded_size
    if not any(g.pad) and all(m <= n for m, n in zip(size, x.shape[2:])):
        return x
    out = empty_nc(x.shape[:2] + size, x.dtype, channel_major(x))
    out.fill(value)
    out[g.inner] = x
    return out


def columns(x: np.ndarray, g: Geometry) -> np.ndarray:
    """im2col: the windows of padded x as a matrix (G, C/G * prod(K), N * prod(out_size)).

    Rows run over (channel, kernel offset), columns over (sample, output position): the copy
    reads each window row with the stride of the convolution, the cheapest order to gather."""
    nd = len(g.kernel)
    n, c = x.shape[:2]
    windows = sliding_window_view(padded(x, g), g.span, axis=tuple(range(2, 2 + nd)))
    key = (
        (slice(None), slice(None))
        + tuple(slice(0, (q - 1) * s + 1, s) for q, s in zip(g.out_size, g.stride))
        + tuple(slice(None, None, d) for d in g.dilation)
    )
    windows = windows[key]  # (N, C, *out, *K)
    order = (1,) + tuple(range(2 + nd, 2 + 2 * nd)) + (0,) + tuple(range(2, 2 + nd))
    rows = c // g.groups * math.prod(g.kernel)
    return windows.transpose(order).reshape(g.groups, rows, n * math.prod(g.out_size))


def _col2im(cols: np.ndarray, n: int, g: Geometry) -> np.ndarray:
    """The adjoint of `columns`: cols (G, C/G * prod(K), N * prod(out)) summed back onto an
    (N, C, *in_size) image (stored channel-major), one strided add per kernel offset."""
    c = cols.shape[0] * cols.shape[1] // math.prod(g.kernel)
    blocks = cols.reshape((c,) + g.kernel + (n,) + g.out_size)
    image = np.zeros((c, n) + g.padded_size, dtype=cols.dtype)
    for offset, target in g.offsets:
        image[target] += blocks[(slice(None),) + offset]
    return image[g.inner].swapaxes(0, 1)


def grouped(y: np.ndarray, groups: int) -> np.ndarray:
    """(N, C, *out) as the matrix (G, C/G, N * prod(out)) of the GEMMs: a view when y is
    stored channel-major, as a convolution's output and the gradients that come back are."""
    n, c = y.shape[:2]
    return y.swapaxes(0, 1).reshape(groups, c // groups, -1)


def _image(mat: np.ndarray, n: int, size: tuple[int, ...]) -> np.ndarray:
    """(G, C/G, N * prod(size)) back to (N, C, *size): a transposed view, no copy."""
    return mat.reshape((mat.shape[0] * mat.shape[1], n) + size).swapaxes(0, 1)


_scratch = threading.local()


def _workspace(tag: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A scratch array for a temporary that dies inside one call, kept per thread and reused
    by the next call of the same shape. col2im's column matrix is a CNN step's largest
    temporary, and fresh memory costs a page fault per 4 KiB first touched (on a virtual
    machine several microseconds each, more than the arithmetic on it)."""
    cache = getattr(_scratch, "arrays", None)
    if cache is None:
        cache = _scratch.arrays = {}
    key = (tag, shape, np.dtype(dtype))
    array = cache.get(key)
    if array is None:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        array = cache[key] = np.empty(shape, dtype=dtype)
    return array


def _add_bias(y: np.ndarray, b: Optional[np.ndarray]) -> np.ndarray:
    if b is not None:
        y += b.reshape((-1,) + (1,) * (y.ndim - 2))
    return y


def conv_forward(x: np.ndarray, w: np.ndarray, g: Geometry, cols: Optional[np.ndarray] = None) -> np.ndarray:
    """y = W X: (G, C_out/G, C_in/G prod(K)) @ (G, C_in/G prod(K), N prod(out))."""
    if cols is None:
        cols = columns(x, g)
    return _image(w.reshape(g.groups, w.shape[0] // g.groups, -1) @ cols, x.shape[0], g.out_size)


def _col2im_wide(cols: np.ndarray, n: int, g: Geometry) -> np.ndarray:
    """`_col2im` for stride 1, from columns over the widened output grid (`g.wide_grid`,
    zero past out_size): one contiguous run added per kernel offset. A run ends at most
    span - 1 elements past the image; those fall off with the widened grid's zeros."""
    c = cols.shape[0] * cols.shape[1] // math.prod(g.kernel)
    run = math.prod(g.wide_grid)
    blocks = cols.reshape((c,) + g.kernel + (n, run))
    image = np.zeros((c, n, max(g.wide_starts[-1][1] + run, math.prod(g.padded_size))), dtype=cols.dtype)
    for offset, start in g.wide_starts:
        image[:, :, start:start + run] += blocks[(slice(None),) + offset]
    full = image[:, :, :math.prod(g.padded_size)].reshape((c, n) + g.padded_size)
    return full[g.inner].swapaxes(0, 1)


def _widened(y: np.ndarray, g: Geometry) -> np.ndarray:
    """grouped(y) over the widened output grid, zeros past out_size (a workspace)."""
    n, c = y.shape[:2]
    wide = _workspace("widened", (c, n) + g.wide_grid, y.dtype)
    wide.fill(0)
    wide[_ALL + tuple(slice(0, q) for q in g.out_size)] = y.swapaxes(0, 1)
    return wide.reshape(g.groups, c // g.groups, -1)


def conv_transpose_forward(y: np.ndarray, w: np.ndarray, g: Geometry, y_mat: Optional[np.ndarray] = None) -> np.ndarray:
    """x = col2im(W^T Y), the adjoint of `conv_forward` in its input (Y = grouped(y)); the
    product W^T Y goes to a workspace, as col2im only reads it."""
    wt = w.reshape(g.groups, w.shape[0] // g.groups, -1).swapaxes(1, 2)
    wide = g.wide_grid is not None and len(g.kernel) > 1
    mat = _widened(y, g) if wide else grouped(y, g.groups) if y_mat is None else y_mat
    cols = np.matmul(wt, mat, out=_workspace("col2im", wt.shape[:2] + mat.shape[2:], np.result_type(wt, mat)))
    return _col2im_wide(cols, y.shape[0], g) if wide else _col2im(cols, y.shape[0], g)


def conv_weight(
    x: np.ndarray, dy: np.ndarray, g: Geometry, cols: Optional[np.ndarray] = None, dy_mat: Optional[np.ndarray] = None,
) -> np.ndarray:
    """dw = dY X^T: (G, C_out/G, N prod(out)) @ (G, N prod(out), C_in/G prod(K))."""
    if cols is None:
        cols = columns(x, g)
    dw = (grouped(dy, g.groups) if dy_mat is None else dy_mat) @ cols.swapaxes(1, 2)
    return dw.reshape((dy.shape[1], x.shape[1] // g.groups) + g.kernel)


def _bias_grad(grad: Any) -> Any:
    return grad.sum((0,) + tuple(range(2, grad.ndim)))


class Convolution(Function):
    """y = conv(x, w) + b (see the module docstring for the sum);
    dx = conv^T(dy, w),  dw = ConvWeight(x, dy),  db = dy summed over all but channels."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, w, b, g):
        cols = columns(x, g)
        ctx.geometry = g
        # the columns are kept (as a constant) so the weight gradient needs no second im2col
        ctx.save_for_backward(x, w, cols)
        return _add_bias(conv_forward(x, w, g, cols), b)

    @staticmethod
    def backward(ctx, grad):
        x, w, cols = ctx.saved_tensors
        g = ctx.geometry
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        # dY as the GEMMs' matrix, made once for both products (a constant, like the columns)
        grad_mat = grouped(data(grad), g.groups) if need_x or need_w else None
        dx = ConvTranspose.apply(grad, w, None, g, grad_mat) if need_x else None
        dw = ConvWeight.apply(x, grad, cols, g, grad_mat) if need_w else None
        db = _bias_grad(grad) if need_b else None
        return dx, dw, db, None

    backward_arrays = backward


class ConvTranspose(Function):
    """x = conv^T(y, w) + b, the adjoint of the convolution with geometry g (y lives in its
    output space, x in its input space);  dy = conv(dx, w),  dw = ConvWeight(dx, y),
    db = dx summed over all but channels."""

    _array_forward = True
    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, y, w, b, g, y_mat):
        ctx.geometry = g
        ctx.save_for_backward(y, w)
        return _add_bias(conv_transpose_forward(y, w, g, y_mat), b)

    @staticmethod
    def backward(ctx, grad):
        y, w = ctx.saved_tensors
        g = ctx.geometry
        need_y, need_w, need_b = ctx.needs_input_grad[:3]
        dy = Convolution.apply(grad, w, None, g) if need_y else None
        dw = ConvWeight.apply(grad, y, None, g, None) if need_w else None
        db = _bias_grad(grad) if need_b else None
        return dy, dw, db, None, None

    backward_arrays = backward


class ConvWeight(Function):
    """dw = dY X^T, the weight gradient of a convolution, a bilinear map of (x, dy);
    with H the incoming gradient (shaped like w):  dx = conv^T(dy, H),  d(dy) = conv(x, H).
    `cols` and `dy_mat`, when given, are x's columns and dy's matrix, made already (constants)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dy, cols, g, dy_mat):
        ctx.geometry = g
        ctx.save_for_backward(x, dy)
        return conv_weight(x, dy, g, cols, dy_mat)

    @staticmethod
    def backward(ctx, grad):
        x, dy = ctx.saved_tensors
        g = ctx.geometry
        need_x, need_dy = ctx.needs_input_grad[:2]
        dx = ConvTranspose.apply(dy, grad, None, g, None) if need_x else None
        ddy = Convolution.apply(x, grad, None, g) if need_dy else None
        return dx, ddy, None, None, None

    backward_arrays = backward
