"""The named tuples torch.linalg returns (torch.return_types.linalg_*), and the old top-level ones."""

from __future__ import annotations

from collections import namedtuple

linalg_slogdet = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
linalg_inv_ex = namedtuple("linalg_inv_ex", ["inverse", "info"])
linalg_solve_ex = namedtuple("linalg_solve_ex", ["result", "info"])
linalg_cholesky_ex = namedtuple("linalg_cholesky_ex", ["L", "info"])
linalg_qr = namedtuple("linalg_qr", ["Q", "R"])
linalg_eigh = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_svd = namedtuple("linalg_svd", ["U", "S", "Vh"])
linalg_lstsq = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
slogdet = namedtuple("slogdet", ["sign", "logabsdet"])
svd = namedtuple("svd", ["U", "S", "V"])
qr = namedtuple("qr", ["Q", "R"])
