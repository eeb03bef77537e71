"""torch.linalg's decompositions on ember's ops (`ops/decompositions.py`)."""

from __future__ import annotations

from typing import Any, Optional

from .._creation import zeros
from ..ops._linalg_checks import check_matrix
from ..ops.decompositions import QR, SVD, Cholesky, Eigh
from ..ops.matrix_functions import MatrixExp
from . import _types


def cholesky(A: Any, *, upper: bool = False) -> Any:
    """L with A = L L^T (or U = L^T with A = U^T U when upper)."""
    check_matrix("linalg.cholesky", A)
    L = Cholesky.apply(A)
    return L.mT if upper else L


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False) -> Any:
    """(L, info): info is the order of the first leading minor that is not positive-definite."""
    from ._solvers import _ex

    return _types.linalg_cholesky_ex(*_ex(lambda a: cholesky(a, upper=upper), A, check_errors))


_QR_MODES = ("reduced", "complete", "r")


def qr(A: Any, mode: str = "reduced") -> Any:
    """(Q, R) with A = Q R; mode 'r' gives an empty Q."""
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'")
    check_matrix("linalg.qr", A, square=False)
    Q, R = QR.apply(A, mode)
    return _types.linalg_qr(zeros(0, dtype=A.dtype) if mode == "r" else Q, R)


def eigh(A: Any, UPLO: str = "L") -> Any:
    """(eigenvalues ascending, eigenvectors as columns) of a symmetric A, from its UPLO triangle."""
    _check_uplo(UPLO)
    check_matrix("linalg.eigh", A)
    return _types.linalg_eigh(*Eigh.apply(A, UPLO))


def eigvalsh(A: Any, UPLO: str = "L") -> Any:
    _check_uplo(UPLO)
    check_matrix("linalg.eigvalsh", A)
    return Eigh.apply(A, UPLO)[0]


def _check_uplo(UPLO: str) -> None:
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def svd(A: Any, full_matrices: bool = True, *, driver: Optional[str] = None) -> Any:
    """(U, S, Vh) with A = U diag(S) Vh, singular values descending."""
    check_matrix("linalg.svd", A, square=False)
    return _types.linalg_svd(*SVD.apply(A, full_matrices))


def svdvals(A: Any, *, driver: Optional[str] = None) -> Any:
    check_matrix("linalg.svdvals", A, square=False)
    return SVD.apply(A, False)[1]


def matrix_exp(A: Any) -> Any:
    """exp(A) = sum_k A^k / k!."""
    check_matrix("linalg.matrix_exp", A)
    return MatrixExp.apply(A)

