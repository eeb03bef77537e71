"""torch.ormqr: a matrix multiplied by the orthogonal Q of a QR factorization kept as `geqrf`
stores it (Householder reflectors below the diagonal of A, their scales in tau)."""

from __future__ import annotations

from typing import Any

from ._products import reflectors_product

_NAME = "torch.ormqr"


def _check(input: Any, tau: Any, other: Any, left: bool) -> None:
    """torch's checks, in its order."""
    if input.ndim < 2:
        raise RuntimeError(f"{_NAME}: input must have at least 2 dimensions.")
    if other.ndim < 2:
        raise RuntimeError(f"{_NAME}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(
            f"{_NAME}: other.shape[{side}] must be equal to input.shape[-2] "
            f"(other {list(other.shape)}, input {list(input.shape)})"
        )
    if tau.ndim == 0 or tau.shape[-1] != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(
            f"{_NAME}: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1]) "
            f"(tau {list(tau.shape)}, other {list(other.shape)}, input {list(input.shape)})"
        )
    if tau.ndim != input.ndim - 1 or tuple(tau.shape[:-1]) != tuple(input.shape[:-2]):
        raise RuntimeError(
            f"{_NAME}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
            f"{list(tau.shape[:-1])}"
        )
    if tuple(other.shape[:-2]) != tuple(input.shape[:-2]):
        raise RuntimeError(
            f"{_NAME}: Expected batch dimensions of other to be equal to input.shape[:-2], but got "
            f"{list(other.shape[:-2])}"
        )
    if not (input.dtype == tau.dtype == other.dtype):
        raise RuntimeError(
            f"{_NAME}: Expected input, tau and other to have the same dtype, but got {input.dtype}, "
            f"{tau.dtype} and {other.dtype}; convert them with .to()"
        )


def ormqr(input: Any, input2: Any, input3: Any, left: bool = True, transpose: bool = False) -> Any:
    """op(Q) C (left) or C op(Q) (right), op(Q) = Q^T if transpose else Q, where
    Q = H_1 ... H_k is the m x m product of the reflectors in input (m = input.shape[-2]) scaled
    by tau = input2, and C = input3. Q is built from differentiable ops (the product LAPACK's
    orgqr forms), so the gradients in input, tau and C are those of that product.

    >>> A, tau = geqrf(X); ormqr(A, tau, C)  # = linalg.qr(X, mode="complete").Q @ C
    """
    _check(input, input2, input3, left)
    Q = reflectors_product(input, input2)
    if transpose:
        Q = Q.mT
    return Q @ input3 if left else input3 @ Q
