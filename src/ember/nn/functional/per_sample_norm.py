"""Normalisations whose statistics belong to one sample: `instance_norm` (each channel of each
sample over its spatial dims), `rms_norm` (the root mean square over the last dims) and
`local_response_norm` (each element over its neighbouring channels).

instance_norm is batch norm over (1, N * C, *S), as torch computes it, so it shares batch
norm's fused node; the others are composed of existing ops, whose gradients are torch's.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...ops.normalization import NativeBatchNorm
from ...ops.padding import pad
from .normalization import _check_dtypes, _check_eps, _normalized_shape, _update_running, batch_norm
from .pooling import avg_pool2d

__all__ = ["instance_norm", "local_response_norm", "rms_norm"]


def instance_norm(
    input: Tensor,
    running_mean: Optional[Tensor] = None,
    running_var: Optional[Tensor] = None,
    weight: Optional[Tensor] = None,
    bias: Optional[Tensor] = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """y[n, c] = (x[n, c] - mean) / sqrt(var + eps) * w[c] + b[c], mean and biased var over the
    spatial dims of x[n, c] alone. The running statistics (if given) move towards the mean over
    the batch of each instance's mean and unbiased variance; use_input_stats=False normalises
    with the running statistics instead (batch norm in evaluation).

    >>> F.instance_norm(ember.tensor([[[0.0, 2.0]]]))
    tensor([[[-1.0000,  1.0000]]])
    """
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected input of shape (N, C, *S) with at least one spatial dim, got {list(input.shape)}")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    n, c, length = input.shape[0], input.shape[1], math.prod(input.shape[2:])
    if length == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    _check_dtypes(input, weight=weight, bias=bias, running_mean=running_mean, running_var=running_var)
    _check_eps(eps, True)
    weight = None if weight is None else weight.repeat(n)
    bias = None if bias is None else bias.repeat(n)
    out, mean, var = NativeBatchNorm.apply(input, weight, bias, (1, n * c, length), (0, 2), (1, n * c, 1), eps)
    if running_mean is not None:
        _update_running(running_mean, mean._data.reshape(n, c).mean(0), momentum)
        _update_running(running_var, (var._data * (length / (length - 1))).reshape(n, c).mean(0), momentum)
    return out.reshape(input.shape)


def rms_norm(
    input: Tensor, normalized_shape: Union[int, Sequence[int]], weight: Optional[Tensor] = None,
    eps: Optional[float] = None,
) -> Tensor:
    """y = x / sqrt(mean(x^2) + eps) * weight, the mean over the last len(normalized_shape)
    dims; eps=None is the machine epsilon of x's dtype (torch.finfo(x.dtype).eps).

    >>> F.rms_norm(ember.tensor([[3.0, 4.0]]), (2,), eps=0.0)
    tensor([[0.8485, 1.1314]])
    """
    shape = _normalized_shape(normalized_shape)
    nd = len(shape)
    if tuple(input.shape[input.ndim - nd:]) != shape or input.ndim < nd:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}"
        )
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(shape)}")
    if eps is None:
        eps = float(np.finfo(_dtype.to_numpy(input.dtype)).eps)
    dims = tuple(range(input.ndim - nd, input.ndim))
    y = input * (input * input).mean(dims, keepdim=True).add(eps).rsqrt()
    return y if weight is None else y * weight


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """y[n, c] = x[n, c] / (k + alpha / size * sum_{c'} x[n, c']^2)^beta, the sum over the
    `size` channels c' from c - size // 2 to c + (size - 1) // 2 (zero past the edges).

    >>> F.local_response_norm(ember.ones(1, 3, 2), 2, alpha=1.0, k=0.0).shape
    (1, 3, 2)
    """
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    n, c = input.shape[:2]
    # the channel window as an average pool over (N, 1, C, L): one window per (n, c, l)
    squares = (input * input).reshape(n, 1, c, -1)
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (div * alpha + k).pow(beta)
