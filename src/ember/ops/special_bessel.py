"""torch.special's Bessel and Airy functions of one tensor, elementwise (kernels:
`ember._bessel`); integer and bool inputs compute in the default float dtype. Not
differentiable: as in torch, the result never requires grad."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import _bessel
from .._tensor import Tensor
from .unary import _float


def _apply(kernel: Callable[[np.ndarray], np.ndarray], input: Tensor) -> Tensor:
    x = _float(input)
    with np.errstate(all="ignore"):
        values = kernel(x._data.reshape(-1)).reshape(x.shape)
    return x._make(values.astype(x._data.dtype, copy=False), False, None)


def airy_ai(input: Tensor) -> Tensor:
    """Ai(x), the Airy function of the first kind: Ai'' = x Ai, decaying as x -> +inf."""
    return _apply(_bessel.airy_ai, input)


def bessel_j0(input: Tensor) -> Tensor:
    """J0(x), the Bessel function of the first kind of order 0."""
    return _apply(_bessel.bessel_j0, input)


def bessel_j1(input: Tensor) -> Tensor:
    """J1(x), the Bessel function of the first kind of order 1."""
    return _apply(_bessel.bessel_j1, input)


def bessel_y0(input: Tensor) -> Tensor:
    """Y0(x), of the second kind of order 0: -inf at 0, NaN for x < 0."""
    return _apply(_bessel.bessel_y0, input)


def bessel_y1(input: Tensor) -> Tensor:
    """Y1(x), of the second kind of order 1: -inf at 0, NaN for x < 0."""
    return _apply(_bessel.bessel_y1, input)


def modified_bessel_i0(input: Tensor) -> Tensor:
    """I0(x), the modified Bessel function of the first kind of order 0."""
    return _apply(_bessel.modified_bessel_i0, input)


def modified_bessel_i1(input: Tensor) -> Tensor:
    """I1(x), the modified Bessel function of the first kind of order 1."""
    return _apply(_bessel.modified_bessel_i1, input)


def modified_bessel_k0(input: Tensor) -> Tensor:
    """K0(x), the modified Bessel function of the second kind of order 0: inf at 0, NaN below."""
    return _apply(_bessel.modified_bessel_k0, input)


def modified_bessel_k1(input: Tensor) -> Tensor:
    """K1(x), the modified Bessel function of the second kind of order 1: inf at 0, NaN below."""
    return _apply(_bessel.modified_bessel_k1, input)


def scaled_modified_bessel_k0(input: Tensor) -> Tensor:
    """e^x K0(x)."""
    return _apply(_bessel.scaled_modified_bessel_k0, input)


def scaled_modified_bessel_k1(input: Tensor) -> Tensor:
    """e^x K1(x)."""
    return _apply(_bessel.scaled_modified_bessel_k1, input)


def spherical_bessel_j0(input: Tensor) -> Tensor:
    """j0(x) = sin(x) / x, the spherical Bessel function of the first kind of order 0."""
    return _apply(_bessel.spherical_bessel_j0, input)
