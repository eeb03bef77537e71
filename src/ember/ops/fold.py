"""im2col and col2im as ops (torch's names for the nodes of F.unfold and F.fold): `Im2Col`
gathers every sliding block of an image into a column, `Col2Im` sums columns back onto an
image. With B the blocks of the geometry g (kernel k, dilation d, padding p, stride s),

    unfold(x)[n, c K + k, l] = x_pad[n, c, start(l) + k d]      (K = prod(k), k row-major)
    fold(y) = unfold^T(y):   x[n, c, i] = sum over (k, l) with start(l) + k d = i + p of y[n, c K + k, l]

Each is the other's adjoint, so each is the other's backward. The arithmetic is the
convolution's (`ember.ops.conv`): its column matrix and its strided col2im.
"""

from __future__ import annotations

import math

from ..autograd.function import Function
from .conv import Geometry, _col2im, columns


class Im2Col(Function):
    """y (N, C prod(k), L) = the blocks of x (N, C, *S) as columns;  dx = Col2Im(dy)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, g: Geometry):
        ctx.geometry = g
        n, c = x.shape[:2]
        cols = columns(x, g)  # (1, C K, N L)
        return cols.reshape(c * math.prod(g.kernel), n, math.prod(g.out_size)).swapaxes(0, 1)

    @staticmethod
    def backward(ctx, grad):
        return Col2Im.apply(grad, ctx.geometry), None

    backward_arrays = backward


class Col2Im(Function):
    """x (N, C, *S) = the columns of y (N, C prod(k), L) summed onto their blocks;
    dy = Im2Col(dx)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, y, g: Geometry):
        ctx.geometry = g
        n = y.shape[0]
        cols = y.swapaxes(0, 1).reshape(1, y.shape[1], n * y.shape[2])
        return _col2im(cols, n, g)

    @staticmethod
    def backward(ctx, grad):
        return Im2Col.apply(grad, ctx.geometry), None

    backward_arrays = backward
