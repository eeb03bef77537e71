"""torch.geqrf: LAPACK's QR in Householder form, (a, tau) with R on and above a's diagonal and
the reflectors' vectors v_i below it (v_i has a 1 at i), Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^T
(linalg.householder_product rebuilds Q). NumPy's qr(mode='raw') is geqrf itself; like torch's,
it has no gradient."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .._creation import tensor
from ._triangular import _check_float

geqrf_result = namedtuple("geqrf", ["a", "tau"])


def geqrf(input: Any) -> Any:
    """(a, tau) of each matrix, as LAPACK's geqrf returns them."""
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    _check_float("geqrf", input)
    A = input._data
    m, n = A.shape[-2:]
    if not A.size:
        return geqrf_result(tensor(A.copy()), tensor(np.zeros(A.shape[:-2] + (min(m, n),), A.dtype)))
    h, tau = np.linalg.qr(A, mode="raw")
    return geqrf_result(tensor(np.ascontiguousarray(h.swapaxes(-1, -2))), tensor(tau.astype(A.dtype, copy=False)))
