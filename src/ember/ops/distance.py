"""The norm clamped below for cosine similarity, in value only (`nn.functional.distance`
composes the distances and their losses from primitive ops and this)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function


class ClampedNorm(Function):
    """max(n, eps) in value, n in gradient (d/dn = 1). torch's cosine_similarity clamps the
    norms in place under no_grad, so its gradient is that of the unclamped norm."""

    _array_forward = True
    backward_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, n, eps):
        return np.maximum(n, eps).astype(n.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad, None
