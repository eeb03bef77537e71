"""The argument checks and errors of torch.linalg, shared by its ops: at least two dimensions,
square matrices, a floating dtype, and `LinAlgError` (a RuntimeError) naming the batch element and
the LAPACK detail (the zero diagonal element of a singular LU, the leading minor that is not
positive-definite)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtype import torch_name


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a LAPACK routine found the input singular or not positive-definite."""


def check_matrix(name: str, A: Any, square: bool = True, floating: bool = True) -> None:
    """A is a (batch of) matrices, square if asked, of a floating dtype if asked."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices"
        )
    if floating and not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {torch_name(A.dtype)}")


def _batch_prefix(a: np.ndarray, index: int) -> str:
    return f"(Batch element {index}): " if a.ndim > 2 else ""


def _first_failure(a: np.ndarray, info_of: Any) -> tuple[int, int]:
    """(batch index, LAPACK info > 0) of the first matrix that fails."""
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        info = info_of(m)
        if info > 0:
            return i, info
    return 0, 0


def _lu_info(m: np.ndarray) -> int:
    """getrf's info: the 1-based index of the first zero pivot of LU with partial pivoting."""
    a = np.array(m, np.float64)
    for j in range(min(a.shape)):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            return j + 1
        a[[j, p]] = a[[p, j]]
        a[j + 1 :, j] /= a[j, j]
        a[j + 1 :, j + 1 :] -= np.outer(a[j + 1 :, j], a[j, j + 1 :])
    return 0


def _cholesky_info(m: np.ndarray) -> int:
    """potrf's info: the order of the first leading minor that is not positive-definite."""
    for k in range(1, m.shape[-1] + 1):
        try:
            np.linalg.cholesky(m[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def singular_error(name: str, a: np.ndarray) -> LinAlgError:
    """torch's error for a singular input of an LU-based op (inv, solve)."""
    i, info = _first_failure(a, _lu_info)
    return _with_info(
        f"{name}: {_batch_prefix(a, i)}The diagonal element {info} is zero, the inversion could not be completed "
        "because the input matrix is singular.",
        info,
    )


def not_positive_definite(name: str, a: np.ndarray) -> LinAlgError:
    """torch's error for a Cholesky factorization that fails at a leading minor."""
    i, info = _first_failure(a, _cholesky_info)
    return _with_info(
        f"{name}: {_batch_prefix(a, i)}The factorization could not be completed because the input is not "
        f"positive-definite (the leading minor of order {info} is not positive-definite).",
        info,
    )


def _with_info(message: str, info: int) -> LinAlgError:
    """The error, carrying LAPACK's info for the `_ex` variants."""
    error = LinAlgError(message)
    error.info = info
    return error


def eye_like(A: Any) -> Any:
    """The identity of A's last dimension, in A's dtype (a Tensor or array like A)."""
    n = A.shape[-1]
    if type(A) is np.ndarray:
        return np.eye(n, dtype=A.dtype)
    from .._creation import eye

    return eye(n, dtype=A.dtype)


def diag_embed(v: Any) -> Any:
    """Batched diagonal matrices with v on the diagonal: v[..., None] * I (differentiable)."""
    return v.reshape(v.shape + (1,)) * eye_like(v)


def diagonal(M: Any) -> Any:
    """The diagonal of square matrices: (M * I).sum(-1) (differentiable)."""
    return (M * eye_like(M)).sum(-1)
