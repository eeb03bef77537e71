"""The top-level torch functions of linear algebra and statistics added beside torch.linalg
(torch.lu, torch.triangular_solve, torch.cov, torch.cdist, ...), and their Tensor methods."""

from __future__ import annotations

from ..ops.covariance import corrcoef, cov
from ..ops.pairwise_distance import cdist, pdist
from ..ops.renorm import renorm, renorm_
from ._geqrf import geqrf
from ._ormqr import ormqr
from ._lu import lu_unpack, torch_lu as lu, torch_lu_solve as lu_solve
from ._triangular import cholesky_inverse, cholesky_solve, triangular_solve

__all__ = [
    "cdist", "cholesky_inverse", "cholesky_solve", "corrcoef", "cov", "geqrf", "lu", "lu_solve", "lu_unpack", "pdist",
    "renorm", "triangular_solve", "ormqr",
]

_TENSOR_METHODS = {
    "cov": cov, "corrcoef": corrcoef, "cholesky_inverse": cholesky_inverse, "cholesky_solve": cholesky_solve,
    "triangular_solve": triangular_solve, "lu": lu, "lu_solve": lu_solve,
    "renorm": renorm, "renorm_": renorm_, "geqrf": geqrf, "ormqr": ormqr,
}


def install_tensor_methods(cls: type) -> None:
    """`t.cov()`, `t.lu()`, ...: the functions above as methods of the Tensor class."""
    for name, fn in _TENSOR_METHODS.items():
        setattr(cls, name, fn)
