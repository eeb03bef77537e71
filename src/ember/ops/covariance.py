"""torch.cov and torch.corrcoef, composed from ember's ops (their gradients are those of the
sums, products and square roots they are made of, as torch's, which are composite too).

    cov(x)[i, j] = sum_k w_k (x_ik - mu_i)(x_jk - mu_j) / f,   mu_i = sum_k w_k x_ik / sum_k w_k
    f = sum w - correction                      (frequency weights only, or none: w = 1)
      = sum w - correction * sum w a / sum w    (w = fweights * aweights)
    corrcoef(x)[i, j] = clip(cov[i, j] / sqrt(cov[i, i] cov[j, j]), -1, 1)

A row is a variable, a column an observation; a 1-d input is one variable.
"""

from __future__ import annotations

import warnings
from typing import Any, Optional

from .._creation import tensor
from .._dtype import bool_, float32, int64, torch_name


def _check_weights(kind: str, w: Any, observations: int, integral: bool) -> None:
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {kind} to have one or fewer dimensions but got {kind} with {w.ndim} dimensions")
    if integral == w.is_floating_point() or w.dtype == bool_:
        wanted = "integral" if integral else "floating point"
        raise RuntimeError(f"cov(): expected {kind} to have {wanted} dtype but got {kind} with {torch_name(w.dtype)} dtype")
    if w.numel() != observations:
        raise RuntimeError(
            f"cov(): expected {kind} to have the same numel as there are observations in the input but got "
            f"{w.numel()} != {observations}"
        )
    if observations and bool((w.min() < 0).item()):
        raise RuntimeError(f"cov(): {kind} cannot be negative")


def cov(input: Any, *, correction: int = 1, fweights: Optional[Any] = None, aweights: Optional[Any] = None) -> Any:
    """The covariance matrix of the rows of input (a 0-d result for one variable)."""
    if input.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an input with {input.ndim} dimensions"
        )
    if input.dtype == bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    observations = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights("fweights", fweights, observations, integral=True)
        w = fweights
    if aweights is not None:
        _check_weights("aweights", aweights, observations, integral=False)
        w = aweights if w is None else w * aweights
    w_sum = tensor(observations, dtype=int64) if w is None else w.sum()
    if w is not None and not bool((w_sum != 0).item()):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is None:
        factor = tensor(observations - correction, dtype=int64)
    elif correction == 0:
        factor = w_sum
    elif aweights is None:
        factor = w_sum - correction
    elif fweights is None and observations == 1 and correction == 1:
        factor = tensor(0, dtype=int64)
    else:
        factor = w_sum - correction * (w * aweights).sum() / w_sum
    if bool((factor <= 0).item()):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of observations.")
        factor = factor * 0
    if observations == 1 and (fweights is None) != (aweights is None):
        # one observation with one kind of weights: x - mu is exactly zero (torch zeroes it)
        x = x * 0 if x.is_floating_point() else x.to(float32) * 0
    else:
        x = x - avg.unsqueeze(1)
    c = x @ (x if w is None else x * w).t()
    return (c / factor).squeeze()


def corrcoef(input: Any) -> Any:
    """Pearson's correlation coefficients of the rows of input, clipped to [-1, 1]."""
    if input.ndim > 2:
        raise RuntimeError(
            f"corrcoef(): expected input to have two or fewer dimensions but got an input with {input.ndim} dimensions"
        )
    c = cov(input)
    if c.ndim == 0:
        return c / c
    stddev = c.diagonal().sqrt()
    c = c / stddev.reshape(-1, 1)
    c = c / stddev.reshape(1, -1)
    return c.clip(-1, 1)
