"""Gradient clipping: rescale gradients by their total norm, or clamp them elementwise."""

from __future__ import annotations

import math
import types
import warnings
from typing import Iterable, Union

import numpy as np

from ..._tensor import Tensor
from ...ops.pnorm import p_norm

TensorOrTensors = Union[Tensor, Iterable[Tensor]]

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _as_list(tensors: TensorOrTensors) -> list[Tensor]:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(x: np.ndarray, p: float) -> np.ndarray:
    r""":math:`(\sum |x|^p)^{1/p}` over all elements; max |x| for p = inf, min |x| for -inf,
    the count of non-zeros for p = 0."""
    a = np.abs(x.reshape(-1))
    if p == math.inf:
        return a.max(initial=0)
    if p == -math.inf:
        return a.min()
    if p == 0:
        return np.asarray(np.count_nonzero(a), dtype=x.dtype)
    if p == 1:
        return a.sum()
    if p == 2:
        return np.sqrt(np.dot(a, a))
    return p_norm(a, p, None, False)


def get_total_norm(tensors: TensorOrTensors, norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    r"""The `norm_type`-norm of all the tensors together, as if concatenated into one vector:
    the norm of the vector of their individual norms. 0.0 (a float32 tensor) for no tensors.

    Raises torch's RuntimeError when the norm is nan or inf and `error_if_nonfinite`."""
    arrays = [t._data for t in _as_list(tensors)]
    norm_type = float(norm_type)
    if not arrays:
        return Tensor._make(np.asarray(0.0, dtype=np.float32), False, None)
    norms = np.stack([_vector_norm(a, norm_type) for a in arrays])
    total = np.asarray(_vector_norm(norms, norm_type))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
            "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
            "norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor._make(total, False, None)


def clip_grads_with_norm_(parameters: TensorOrTensors, max_norm: float, total_norm: Tensor) -> None:
    r"""Scale every gradient in place by :math:`\min(1, \text{max\_norm} / (\text{total\_norm} + 10^{-6}))`."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    coef = np.minimum(float(max_norm) / (total_norm._data + 1e-6), 1.0)
    for g in grads:
        with np.errstate(invalid="ignore"):  # a non-finite norm gives nan grads, as in torch
            g._data *= coef.astype(g._data.dtype, copy=False)
        g._bump_version()


def clip_grad_norm_(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    r"""Rescale the gradients of `parameters` in place so that their total `norm_type`-norm
    (over all gradients together) is at most `max_norm`:

    .. math:: g \leftarrow g \cdot \min\Big(1, \frac{\text{max\_norm}}{\lVert (g_1, \dots, g_n) \rVert_p + 10^{-6}}\Big)

    Returns the total norm before clipping, as a tensor. `norm_type` may be `inf`.

    >>> loss.backward()
    >>> ember.nn.utils.clip_grad_norm_(params, max_norm=1.0)
    """
    if isinstance(parameters, types.GeneratorType):
        parameters = list(parameters)
        if not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total_norm)
    return total_norm


def clip_grad_value_(parameters: TensorOrTensors, clip_value: float) -> None:
    r"""Clamp every gradient of `parameters` in place to :math:`[-\text{clip\_value}, \text{clip\_value}]`."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)
            p.grad._bump_version()
