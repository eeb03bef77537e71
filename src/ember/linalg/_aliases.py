"""The top-level spellings torch keeps from before torch.linalg (torch.det, torch.inverse,
torch.svd, ...), with their own arguments and return conventions, on ember.linalg."""

from __future__ import annotations

from typing import Any

from . import _decompositions, _solvers, _types


def cholesky(input: Any, upper: bool = False) -> Any:
    return _decompositions.cholesky(input, upper=upper)


def inverse(input: Any) -> Any:
    return _solvers.inv(input)


def slogdet(input: Any) -> Any:
    return _types.slogdet(*_solvers.slogdet(input))


def pinverse(input: Any, rcond: float = 1e-15) -> Any:
    """pinv with singular values at most rcond * sigma_max dropped."""
    return _solvers.pinv(input, rtol=rcond)


def svd(input: Any, some: bool = True, compute_uv: bool = True) -> Any:
    """(U, S, V): V = Vh^T, not Vh; with compute_uv=False, U and V are zero matrices of the
    full shapes (as torch's)."""
    if not compute_uv:
        from .._creation import zeros

        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        S = _decompositions.svdvals(input)
        return _types.svd(zeros(batch + (m, m), dtype=input.dtype), S, zeros(batch + (n, n), dtype=input.dtype))
    U, S, Vh = _decompositions.svd(input, full_matrices=not some)
    return _types.svd(U, S, Vh.mT)


def qr(input: Any, some: bool = True) -> Any:
    return _types.qr(*_decompositions.qr(input, "reduced" if some else "complete"))


det = _solvers.det
logdet = _solvers.logdet
matrix_power = _solvers.matrix_power
matrix_exp = _decompositions.matrix_exp

_TENSOR_METHODS = {
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse, "cholesky": cholesky,
    "pinverse": pinverse, "svd": svd, "qr": qr, "matrix_power": matrix_power, "matrix_exp": matrix_exp,
}


def install_tensor_methods(cls: type) -> None:
    """`t.det()`, `t.inverse()`, ...: the aliases as methods of the Tensor class."""
    for name, fn in _TENSOR_METHODS.items():
        setattr(cls, name, fn)
