"""`ember.signal.windows`: torch.signal.windows' window functions of length M, computed as torch
does: a `linspace` of M points k, then the window's formula of k, in the requested float dtype.
`sym=True` gives the symmetric window (filter design), `sym=False` the periodic one (spectral
analysis: the symmetric window of M + 1 points without its last)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Optional

import numpy as np

from .. import _dtype
from .._convert import as_dtype
from .._creation import _new, linspace
from .._tensor import Tensor
from ..ops.special_functions import i0

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming", "hamming",
           "hann", "kaiser", "nuttall"]


def _checked(name: str, M: int, dtype: Optional[Any], layout: Any) -> _dtype.dtype:
    """The window's dtype (the default float dtype if None), after torch's checks."""
    dtype = _dtype.get_default_dtype() if dtype is None else as_dtype(dtype)
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and not str(layout).endswith("strided"):
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (_dtype.float32, _dtype.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _points(start: Any, end: Any, M: int, dtype: _dtype.dtype) -> np.ndarray:
    return linspace(start, end, M, dtype=dtype)._data


def _window(values: np.ndarray, dtype: _dtype.dtype, device: Any, requires_grad: bool) -> Tensor:
    return _new(np.asarray(values, dtype.numpy), requires_grad, device)


def _span(M: int, sym: bool) -> int:
    """The denominator of the symmetric (M - 1) or periodic (M) window."""
    return M if not sym else M - 1


def general_cosine(M: int, *, a: Iterable, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None,
                   device: Any = None, requires_grad: bool = False) -> Tensor:
    """w_n = sum_i (-1)^i a_i cos(2 pi i n / (M - 1)) (M in the periodic window)."""
    dtype = _checked("general_cosine", M, dtype, layout)
    if M <= 1:
        return _window(np.ones(M), dtype, device, requires_grad)
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    t = dtype.numpy.type
    k = _points(0, (M - 1) * (2 * math.pi / _span(M, sym)), M, dtype)
    signed = np.array([(-1) ** i * w for i, w in enumerate(a)], dtype.numpy)
    i = np.arange(signed.shape[0], dtype=dtype.numpy)
    return _window((signed[:, None] * np.cos(i[:, None] * k)).sum(0, dtype=t), dtype, device, requires_grad)


def general_hamming(M: int, *, alpha: float = 0.54, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None,
                    device: Any = None, requires_grad: bool = False) -> Tensor:
    """The generalized Hamming window: general_cosine with a = [alpha, 1 - alpha]."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M: int, *, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """w_n = 0.54 - 0.46 cos(2 pi n / (M - 1))."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M: int, *, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """w_n = 1/2 - 1/2 cos(2 pi n / (M - 1)) = sin^2(pi n / (M - 1))."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def blackman(M: int, *, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """w_n = 0.42 - 0.5 cos(2 pi n / (M - 1)) + 0.08 cos(4 pi n / (M - 1))."""
    dtype = _checked("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def nuttall(M: int, *, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """The minimum 4-term Blackman-Harris window of Nuttall: general_cosine with
    a = [0.3635819, 0.4891775, 0.1365995, 0.0106411]."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)


def bartlett(M: int, *, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """The triangular window w_n = 1 - |2n / (M - 1) - 1|."""
    dtype = _checked("bartlett", M, dtype, layout)
    if M <= 1:
        return _window(np.ones(M), dtype, device, requires_grad)
    k = _points(-1, -1 + (M - 1) * (2 / _span(M, sym)), M, dtype)
    return _window(1 - np.abs(k), dtype, device, requires_grad)


def cosine(M: int, *, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """The sine window w_n = sin(pi (n + 1/2) / M) (M + 1 in the periodic window)."""
    dtype = _checked("cosine", M, dtype, layout)
    if M == 0:
        return _window(np.ones(0), dtype, device, requires_grad)
    constant = math.pi / (M + 1 if not sym and M > 1 else M)
    k = _points(0.5 * constant, (0.5 + (M - 1)) * constant, M, dtype)
    return _window(np.sin(k), dtype, device, requires_grad)


def exponential(M: int, *, center: Optional[float] = None, tau: float = 1.0, sym: bool = True,
                dtype: Optional[Any] = None, layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """w_n = exp(-|n - center| / tau), the center (M - 1) / 2 unless given (periodic windows only)."""
    dtype = _checked("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return _window(np.ones(0), dtype, device, requires_grad)
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / tau
    k = _points(-center * constant, (-center + (M - 1)) * constant, M, dtype)
    return _window(np.exp(-np.abs(k)), dtype, device, requires_grad)


def gaussian(M: int, *, std: float = 1.0, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """w_n = exp(-(n - (M - 1)/2)^2 / (2 std^2))."""
    dtype = _checked("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return _window(np.ones(0), dtype, device, requires_grad)
    start = -(M if not sym and M > 1 else M - 1) / 2.0
    constant = 1 / (std * math.sqrt(2))
    k = _points(start * constant, (start + (M - 1)) * constant, M, dtype)
    return _window(np.exp(-(k**2)), dtype, device, requires_grad)


def kaiser(M: int, *, beta: float = 12.0, sym: bool = True, dtype: Optional[Any] = None, layout: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """w_n = I0(beta sqrt(1 - (2n / (M - 1) - 1)^2)) / I0(beta), computed as torch does:
    I0(sqrt(beta^2 - k^2)) / I0(beta) over k from -beta to beta."""
    dtype = _checked("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M <= 1:
        return _window(np.ones(M), dtype, device, requires_grad)
    b = dtype.numpy.type(beta)
    constant = 2.0 * b / _span(M, sym)
    end = np.minimum(b, -b + (M - 1) * constant)
    k = _points(float(-b), float(end), M, dtype)
    ratio = i0(_new(np.sqrt(b * b - k**2), False)) / i0(_new(np.asarray(b), False))
    return _window(ratio._data, dtype, device, requires_grad)
