"""torch's complex-number functions on ember's real tensors, where each is what torch makes it
for a real input: `conj`, `conj_physical`, `resolve_conj`, `resolve_neg` and `real` give the
input itself (no copy, no node; a real tensor has no conjugate or negative bit to resolve;
`conj_physical_` is still an in-place op, as in torch), `Tensor.H` is the transpose, and `angle`
is the argument of a real number: 0 for x >= 0 (-0.0 included), pi for x < 0, NaN for NaN.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype
from ..autograd.function import Function
from ._util import new_zeros
from .inplace import _inplace
from .shape import Clone, transpose


def conj(input: Any) -> Any:
    """The complex conjugate: a real tensor is its own."""
    return input


def conj_physical(input: Any) -> Any:
    """The conjugate, materialised: a real tensor is its own."""
    return input


class ConjPhysical(Clone):
    """conj_physical_ of a real tensor: its values unchanged;  dx = dy."""

    backward_name = "ConjPhysicalBackward1"


def conj_physical_(input: Any) -> Any:
    """In place: the values stay, but as in torch it is an in-place op (the version moves, a leaf
    that requires grad refuses, a ConjPhysicalBackward1 node is recorded)."""
    return _inplace(input, ConjPhysical.apply, fast=lambda array: None)


def real(input: Any) -> Any:
    """The real part: a real tensor is its own (torch returns the tensor itself, no node)."""
    return input


def resolve_conj(input: Any) -> Any:
    """The tensor with its conjugate bit applied: a real tensor has none."""
    return input


def resolve_neg(input: Any) -> Any:
    """The tensor with its negative bit applied: a real tensor has none."""
    return input


class Angle(Function):
    """The argument of a real number, in a float dtype (integers and bools give the default
    float): pi where x < 0, else 0, NaN kept;  dx = 0 (torch's rule for real inputs, NaN too)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out_dtype = x.dtype if x.dtype.kind == "f" else _dtype.get_default_dtype().numpy
        out = np.where(x < 0, math.pi, 0.0).astype(out_dtype)
        if x.dtype.kind == "f":
            np.copyto(out, x, where=np.isnan(x))
        return out

    @staticmethod
    def backward(ctx, grad):
        return new_zeros(grad, grad.shape)

    backward_arrays = backward


def angle(input: Any) -> Any:
    """The argument (phase) of each element: 0 or pi for a real tensor."""
    return Angle.apply(input)


def H(input: Any) -> Any:
    """`Tensor.H`, the conjugate transpose of a matrix: its transpose for a real one (a 0-d
    tensor is returned with torch's deprecation warning)."""
    if input.ndim == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=3)
        return input
    if input.ndim != 2:
        batches = " For batches of matrices, consider using tensor.mH" if input.ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {input.ndim}-D tensor.{batches}")
    return transpose(input, 0, 1)
