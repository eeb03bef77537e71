"""Max unpooling: each value written back at the flat spatial index max pooling recorded.

    y[n, c, i[n, c, q]] = x[n, c, q],  zeros elsewhere;  dx[n, c, q] = dy[n, c, i[n, c, q]]

Indices that repeat (overlapping pooling windows can pick one element twice) are written, not
summed, as torch writes them; the gradient still reads dy at every index (torch's gather), so
it is `TakeAt`, whose own adjoint `PlaceAt` gives the double backward.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function
from .pool import TakeAt


class MaxUnpool(Function):
    """y = zeros of (N, C, *size) with x[n, c, q] written at flat index i[n, c, q];
    dx = TakeAt(dy, i) (dy read at each index)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, indices, size):
        ctx.indices = indices
        n, c = x.shape[:2]
        out = np.zeros((n, c, math.prod(size)), dtype=x.dtype)
        np.put_along_axis(out, indices.reshape(n, c, -1), x.reshape(n, c, -1), axis=2)
        return out.reshape((n, c) + tuple(size))

    @staticmethod
    def backward(ctx, grad):
        return TakeAt.apply(grad, ctx.indices), None, None

    backward_arrays = backward
