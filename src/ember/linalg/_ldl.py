"""LDL^T factorization of symmetric matrices with Bunch-Kaufman pivoting (torch.linalg.ldl_factor,
ldl_factor_ex, ldl_solve), as LAPACK's sytrf/sytrs with the lower triangle:

    P A P^T = L D L^T, L unit lower triangular, D block diagonal with 1x1 and 2x2 blocks

LD holds L below the diagonal and D on it (a 2x2 block's off-diagonal just below it); the
pivots are LAPACK's: k (1-based) for a 1x1 block whose row was swapped with row k, -k on both
rows of a 2x2 block. Like torch's, neither has a gradient.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .._creation import tensor
from .._dtype import torch_name
from ._triangular import _check_b_fits, _check_float, _check_same_dtype

linalg_ldl_factor = namedtuple("linalg_ldl_factor", ["LD", "pivots"])
linalg_ldl_factor_ex = namedtuple("linalg_ldl_factor_ex", ["LD", "pivots", "info"])

_ALPHA = (1.0 + 17.0**0.5) / 8.0  # Bunch-Kaufman's growth bound


def _choose_pivot(a: np.ndarray, k: int) -> tuple[int, int, bool]:
    """(kp, kstep, singular) at step k: sytf2's choice between a 1x1 pivot (k, or imax) and a
    2x2 pivot (k, imax)."""
    n = a.shape[0]
    absakk = abs(a[k, k])
    imax, colmax = k, 0.0
    if k + 1 < n:
        imax = k + 1 + int(np.argmax(np.abs(a[k + 1 :, k])))
        colmax = abs(a[imax, k])
    if max(absakk, colmax) == 0 or np.isnan(absakk):
        return k, 1, True
    if absakk >= _ALPHA * colmax:
        return k, 1, False
    rowmax = float(np.abs(a[imax, k:imax]).max())
    if imax + 1 < n:
        rowmax = max(rowmax, float(np.abs(a[imax + 1 :, imax]).max()))
    if absakk >= _ALPHA * colmax * (colmax / rowmax):
        return k, 1, False
    if abs(a[imax, imax]) >= _ALPHA * rowmax:
        return imax, 1, False
    return imax, 2, False


def _swap(a: np.ndarray, kk: int, kp: int, k: int, kstep: int) -> None:
    """Interchange rows and columns kk and kp of the trailing lower triangle."""
    a[kp + 1 :, [kk, kp]] = a[kp + 1 :, [kp, kk]]
    column = a[kk + 1 : kp, kk].copy()
    a[kk + 1 : kp, kk] = a[kp, kk + 1 : kp]
    a[kp, kk + 1 : kp] = column
    a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]
    if kstep == 2:
        a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]


def _sytf2(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(LD, pivots, info) of one matrix: LAPACK's dsytf2 on its lower triangle."""
    a = np.tril(a).astype(a.dtype, copy=True)
    n = a.shape[0]
    pivots = np.zeros(n, np.int32)
    info, k = 0, 0
    while k < n:
        kp, kstep, singular = _choose_pivot(a, k)
        if singular:
            info = info or k + 1
        else:
            kk = k + kstep - 1
            if kp != kk:
                _swap(a, kk, kp, k, kstep)
            if kstep == 1:
                if k + 1 < n:
                    d11 = 1.0 / a[k, k]
                    x = a[k + 1 :, k].copy()
                    a[k + 1 :, k + 1 :] += np.tril(np.outer(x, -d11 * x))
                    a[k + 1 :, k] *= d11
            elif k + 2 < n:
                d21 = a[k + 1, k]
                d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
                d21 = (1.0 / (d11 * d22 - 1.0)) / d21
                wk = d21 * (d11 * a[k + 2 :, k] - a[k + 2 :, k + 1])
                wkp1 = d21 * (d22 * a[k + 2 :, k + 1] - a[k + 2 :, k])
                a[k + 2 :, k + 2 :] -= np.tril(np.outer(a[k + 2 :, k], wk) + np.outer(a[k + 2 :, k + 1], wkp1))
                a[k + 2 :, k], a[k + 2 :, k + 1] = wk, wkp1
        pivots[k : k + kstep] = kp + 1 if kstep == 1 else -(kp + 1)
        k += kstep
    return a, pivots, info


def _sytrs(a: np.ndarray, pivots: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X with A X = B from one matrix's (LD, pivots): LAPACK's dsytrs, lower."""
    b = b.copy()
    n = a.shape[0]
    k = 0
    while k < n:  # L D Y = P B
        if pivots[k] > 0:
            kp = pivots[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1 :] -= np.outer(a[k + 1 :, k], b[k])
            b[k] /= a[k, k]
            k += 1
        else:
            kp = -pivots[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2 :] -= np.outer(a[k + 2 :, k], b[k]) + np.outer(a[k + 2 :, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1, ak = a[k, k] / akm1k, a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T P^T X = Y
        if pivots[k] > 0:
            b[k] -= a[k + 1 :, k] @ b[k + 1 :]
            kp = pivots[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= a[k + 1 :, k] @ b[k + 1 :]
            b[k - 1] -= a[k + 1 :, k - 1] @ b[k + 1 :]
            kp = -pivots[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def ldl_factor_ex(A: Any, *, hermitian: bool = False, check_errors: bool = False) -> Any:
    """(LD, pivots, info): info is 0, or the 1-based index of the first zero pivot of D."""
    name = "torch.linalg.ldl_factor_ex"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices")
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {torch_name(A.dtype)}")
    a = A._data
    n = a.shape[-1]
    count = int(np.prod(a.shape[:-2]))
    results = [_sytf2(m) for m in a.reshape((count, n, n))]
    LD = np.stack([r[0] for r in results]) if count else a.copy()
    pivots = np.array([r[1] for r in results], np.int32).reshape(a.shape[:-1])
    info = np.array([r[2] for r in results], np.int32).reshape(a.shape[:-2])
    if check_errors and info.any():
        raise RuntimeError(f"{name}: Unknown error code: {int(info.reshape(-1)[info.reshape(-1).nonzero()[0][0]])}.")
    return linalg_ldl_factor_ex(tensor(LD.reshape(a.shape)), tensor(pivots), tensor(info))


def ldl_factor(A: Any, *, hermitian: bool = False) -> Any:
    """(LD, pivots); raises where D has a zero pivot, as torch's (whose message is an assert)."""
    LD, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    if info.numel() and bool((info != 0).any()):
        raise RuntimeError(f"torch.linalg.ldl_factor: Unknown error code: {int(info._data.reshape(-1).max())}.")
    return linalg_ldl_factor(LD, pivots)


def ldl_solve(LD: Any, pivots: Any, B: Any, *, hermitian: bool = False) -> Any:
    """X with A X = B from ldl_factor's (LD, pivots); batch dimensions of B broadcast."""
    name = "torch.linalg.ldl_solve"
    if LD.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor LD must have at least 2 dimensions.")
    if B.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(B.ndim, 1)}, {max(B.ndim, 1) - 1}], but got -2)")
    _check_b_fits(name, LD, B)
    if tuple(pivots.shape) != tuple(LD.shape[:-1]):
        raise RuntimeError(
            f"{name}: Expected LD.shape[:-1] and pivots.shape to be the same, but got pivots with shape "
            f"{list(pivots.shape)} instead"
        )
    _check_same_dtype(B, LD)
    _check_float("ldl_solve", LD)
    batch = np.broadcast_shapes(LD.shape[:-2], B.shape[:-2])
    n = LD.shape[-1]
    count = int(np.prod(batch))
    a = np.broadcast_to(LD._data, batch + (n, n)).reshape((count, n, n))
    p = np.broadcast_to(pivots._data, batch + (n,)).reshape((count, n)).astype(np.int64)
    b = np.broadcast_to(B._data, batch + B.shape[-2:]).reshape((count,) + B.shape[-2:])
    out = np.stack([_sytrs(a[i], p[i], b[i]) for i in range(a.shape[0])]) if a.shape[0] else b.copy()
    return tensor(out.reshape(batch + B.shape[-2:]))
