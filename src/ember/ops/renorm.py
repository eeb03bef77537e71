"""torch.renorm, composed from ember's ops: each slice along `dim` whose p-norm exceeds maxnorm
is scaled down to norm maxnorm,

    renorm(x)_i = x_i * (maxnorm / (||x_i||_p + 1e-7) if ||x_i||_p > maxnorm else 1)

Its gradient is that of this expression (the factor's through the norm included), which is
torch's renorm_backward.
"""

from __future__ import annotations

from typing import Any

from ._util import normalize_dims


def renorm(input: Any, p: float, dim: int, maxnorm: float) -> Any:
    """input with every slice along dim of p-norm above maxnorm rescaled to norm maxnorm."""
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    from ..linalg import vector_norm
    from .index import where

    dim = normalize_dims(dim, input.ndim)[0]
    others = tuple(d for d in range(input.ndim) if d != dim)
    norm = vector_norm(input, p, others, True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return input * factor


def renorm_(input: Any, p: float, dim: int, maxnorm: float) -> Any:
    """renorm in place (the graph records renorm of the value before)."""
    from .inplace import _inplace

    return _inplace(input, lambda x: renorm(x, p, dim, maxnorm))
