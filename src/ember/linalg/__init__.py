"""ember.linalg: torch.linalg on NumPy's LAPACK, batched over leading dimensions, differentiable
(real dtypes)."""

from ..ops._linalg_checks import LinAlgError
from ..ops.linalg import matmul
from ._decompositions import cholesky, cholesky_ex, eigh, eigvalsh, matrix_exp, qr, svd, svdvals
from ._norms import cond, matrix_norm, norm, vector_norm
from ._products import cross, diagonal, householder_product, multi_dot, vander, vecdot
from ._ldl import ldl_factor, ldl_factor_ex, ldl_solve
from ._lu import lu, lu_factor, lu_factor_ex, lu_solve
from ._triangular import solve_triangular
from ._solvers import (
    det, inv, inv_ex, lstsq, matrix_power, matrix_rank, pinv, slogdet, solve, solve_ex, tensorinv,
    tensorsolve,
)

__all__ = [
    "LinAlgError", "cholesky", "cond", "cholesky_ex", "cross", "det", "diagonal", "eigh", "eigvalsh", "householder_product", "inv", "inv_ex",
    "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
    "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
    "vector_norm",
]
