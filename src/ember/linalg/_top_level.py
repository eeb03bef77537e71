"""The top-level torch functions of linear algebra and statistics added beside torch.linalg
(torch.lu, torch.triangular_solve, torch.cov, torch.cdist, ...), and their Tensor methods."""

from __future__ import annotations

from ..ops.covariance import corrcoef, cov

__all__ = ["corrcoef", "cov"]

_TENSOR_METHODS = {"cov": cov, "corrcoef": corrcoef}


def install_tensor_methods(cls: type) -> None:
    """`t.cov()`, `t.lu()`, ...: the functions above as methods of the Tensor class."""
    for name, fn in _TENSOR_METHODS.items():
        setattr(cls, name, fn)
