"""torch.special's orthogonal polynomials p_n(x): elementwise over a tensor x and a degree n
(either may be a number), in the float dtype torch promotes them to; the kernels are
`ember._special_polynomials`. Not differentiable: as in torch, the result never requires grad."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import _special_polynomials as kernels
from .._tensor import Tensor
from ._util import as_torch_error, float_operands


def _apply(name: str, kernel: Callable[[np.ndarray, np.ndarray], np.ndarray], input: Any, n: Any) -> Tensor:
    if not isinstance(input, Tensor) and not isinstance(n, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, "
                        f"{type(n).__name__}): one of input and n must be a Tensor")
    x, degree = float_operands(input, n)
    like = x if isinstance(x, Tensor) else degree
    dtype = like._data.dtype
    x_array, n_array = (np.asarray(getattr(v, "_data", v), dtype) for v in (x, degree))
    try:
        x_array, n_array = np.broadcast_arrays(x_array, n_array)
    except ValueError as e:
        raise as_torch_error(e, x_array, n_array) from None
    values = kernel(x_array.reshape(-1), n_array.reshape(-1)).reshape(x_array.shape)
    return like._make(values.astype(dtype, copy=False), False, None)


def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    """T_n(x), the Chebyshev polynomial of the first kind: T_n(cos t) = cos(n t)."""
    return _apply("chebyshev_polynomial_t", lambda x, k: kernels.chebyshev("t", x, k), input, n)


def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    """U_n(x), of the second kind: U_n(cos t) = sin((n + 1) t) / sin t."""
    return _apply("chebyshev_polynomial_u", lambda x, k: kernels.chebyshev("u", x, k), input, n)


def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    """V_n(x), of the third kind: V_n(cos t) = cos((n + 1/2) t) / cos(t / 2)."""
    return _apply("chebyshev_polynomial_v", lambda x, k: kernels.chebyshev("v", x, k), input, n)


def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    """W_n(x), of the fourth kind: W_n(cos t) = sin((n + 1/2) t) / sin(t / 2)."""
    return _apply("chebyshev_polynomial_w", lambda x, k: kernels.chebyshev("w", x, k), input, n)


def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    """T*_n(x) = T_n(2x - 1), orthogonal on [0, 1]."""
    return _apply("shifted_chebyshev_polynomial_t", lambda x, k: kernels.chebyshev("t", x, k, shifted=True), input, n)


def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    """U*_n(x) = U_n(2x - 1)."""
    return _apply("shifted_chebyshev_polynomial_u", lambda x, k: kernels.chebyshev("u", x, k, shifted=True), input, n)


def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    """V*_n(x) = V_n(2x - 1)."""
    return _apply("shifted_chebyshev_polynomial_v", lambda x, k: kernels.chebyshev("v", x, k, shifted=True), input, n)


def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    """W*_n(x) = W_n(2x - 1)."""
    return _apply("shifted_chebyshev_polynomial_w", lambda x, k: kernels.chebyshev("w", x, k, shifted=True), input, n)


def hermite_polynomial_h(input: Any, n: Any) -> Tensor:
    """H_n(x), the physicists' Hermite polynomial: H_{n+1} = 2x H_n - 2n H_{n-1}."""
    return _apply("hermite_polynomial_h", lambda x, k: kernels.hermite(x, k, physicists=True), input, n)


def hermite_polynomial_he(input: Any, n: Any) -> Tensor:
    """He_n(x), the probabilists' Hermite polynomial: He_{n+1} = x He_n - n He_{n-1}."""
    return _apply("hermite_polynomial_he", lambda x, k: kernels.hermite(x, k, physicists=False), input, n)


def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:
    """L_n(x), the Laguerre polynomial: (n + 1) L_{n+1} = (2n + 1 - x) L_n - n L_{n-1}."""
    return _apply("laguerre_polynomial_l", kernels.laguerre, input, n)


def legendre_polynomial_p(input: Any, n: Any) -> Tensor:
    """P_n(x), the Legendre polynomial: (n + 1) P_{n+1} = (2n + 1) x P_n - n P_{n-1}."""
    return _apply("legendre_polynomial_p", kernels.legendre, input, n)
