"""Normalisation layers' functions: `batch_norm`, `layer_norm`, `group_norm`. Each standardises
x over a set of axes with the biased variance, then applies a learned affine map; all three
are one fused node, `ember/ops/normalization.py` (its docstring has the math). This file checks
the arguments as torch does, picks the axes and updates batch norm's running statistics.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled
from ...ops.normalization import NativeBatchNorm, NativeGroupNorm, NativeLayerNorm

__all__ = ["batch_norm", "group_norm", "layer_norm"]


def _check_eps(eps: float, training: bool) -> None:
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")


def _check_dtypes(input: Tensor, **others: Optional[Tensor]) -> None:
    """torch refuses to mix dtypes here; name the culprits and the fix."""
    for name, t in others.items():
        if t is not None and t.dtype is not input.dtype:
            raise RuntimeError(
                f"mixed dtype (CPU): all inputs must share same datatype, got {input.dtype.name} input and "
                f"{t.dtype.name} {name}; convert with .to(dtype) (a module: .double() or .float())"
            )


def _verify_batch_size(size: Sequence[int]) -> None:
    """Batch statistics of one value per channel are (x - x) / sqrt(0 + eps): refused, as torch."""
    if size[0] * math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {list(size)}")


def _update_running(buffer: Tensor, batch_value: np.ndarray, momentum: float) -> None:
    """buffer <- (1 - momentum) * buffer + momentum * batch_value, in place."""
    data = buffer._data
    data *= 1 - momentum
    data += (momentum * batch_value.reshape(data.shape)).astype(data.dtype, copy=False)
    buffer._bump_version()


def batch_norm(
    input: Tensor,
    running_mean: Optional[Tensor],
    running_var: Optional[Tensor],
    weight: Optional[Tensor] = None,
    bias: Optional[Tensor] = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) of input (N, C, *) over the batch and the other dims.

    Training: the batch mean and biased variance normalise, and the running statistics (if
    given) move towards the batch's, with the unbiased variance (n = N * L values):
        running_mean <- (1 - momentum) running_mean + momentum mean,
        running_var  <- (1 - momentum) running_var + momentum var * n / (n - 1).
    Evaluation: y = (x - running_mean) / sqrt(running_var + eps) * w + b.

    >>> F.batch_norm(ember.tensor([[0.0], [2.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])

    An empty input is returned as a copy scaled by weight[0] and shifted by bias[0] (torch's
    shortcut, which keeps the output in the graph and checks nothing else).
    """
    if training:
        _verify_batch_size(input._data.shape)
    if input.numel() == 0:
        out = input.clone()
        out = out if weight is None else out * weight[0]
        return out if bias is None else out + bias[0]
    if input.ndim < 2:
        raise IndexError(f"batch_norm: expected input of shape (N, C, *), got {input.ndim}-D input of shape {list(input.shape)}")
    channels = input._data.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    _check_dtypes(input, weight=weight, bias=bias, running_mean=running_mean, running_var=running_var)
    _check_eps(eps, training)
    if not training:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        return _batch_norm_eval(input, running_mean, running_var, weight, bias, eps)
    n, length = input._data.shape[0], math.prod(input._data.shape[2:])
    out, mean, var = NativeBatchNorm.apply(input, weight, bias, (n, channels, length), (0, 2), (1, channels, 1), eps)
    if running_mean is not None:
        count = n * length
        _update_running(running_mean, mean._data, momentum)
        _update_running(running_var, var._data * (count / (count - 1)), momentum)
    return out


def _batch_norm_eval(
    input: Tensor, running_mean: Tensor, running_var: Tensor, weight: Optional[Tensor], bias: Optional[Tensor], eps: float
) -> Tensor:
    """x * scale + shift per channel, scale = w / sqrt(running_var + eps), shift = b - running_mean
    * scale: constants per channel, so two passes over x and primitives' gradients suffice
    (computed in place in NumPy when nothing records a graph, as in inference)."""
    view = (1, input._data.shape[1]) + (1,) * (input.ndim - 2)
    args = (input, running_mean, running_var, weight, bias)
    if not is_grad_enabled() or not any(t is not None and t._requires_grad for t in args):
        scale = 1.0 / np.sqrt(running_var._data + eps)
        if weight is not None:
            scale = scale * weight._data
        shift = -running_mean._data * scale
        if bias is not None:
            shift += bias._data
        out = input._data * scale.reshape(view)
        out += shift.reshape(view)
        return input._make(out, False, None)
    scale = (running_var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -running_mean * scale
    if bias is not None:
        shift = shift + bias
    return input * scale.reshape(view) + shift.reshape(view)


def _normalized_shape(normalized_shape: Union[int, Sequence[int]]) -> tuple[int, ...]:
    """normalized_shape as a tuple of ints; layer_norm and rms_norm refuse an empty one."""
    shape = (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) else tuple(int(s) for s in normalized_shape)
    if not shape:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, "
            "but got normalized_shape = []"
        )
    return shape


def layer_norm(
    input: Tensor,
    normalized_shape: Union[int, Sequence[int]],
    weight: Optional[Tensor] = None,
    bias: Optional[Tensor] = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last len(normalized_shape) dims of input, each sample on its own;
    weight and bias have shape normalized_shape (elementwise affine).

    >>> F.layer_norm(ember.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    shape = _normalized_shape(normalized_shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._data.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                f"{list(t.shape)} and normalized_shape = {list(shape)}"
            )
    if input._data.shape[input.ndim - len(shape):] != shape or input.ndim < len(shape):
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}"
        )
    _check_dtypes(input, weight=weight, bias=bias)
    size = math.prod(shape)
    rows = input.numel() // size if size else 0
    return NativeLayerNorm.apply(input, weight, bias, (rows, size), (1,), (1, size), eps)[0]


def group_norm(
    input: Tensor, num_groups: int, weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, eps: float = 1e-5
) -> Tensor:
    """Split the channels (dim 1) of input (N, C, *) into num_groups groups and normalise each
    group of each sample over its channels and the remaining dims; weight and bias are per
    channel (C,).

    >>> F.group_norm(ember.tensor([[1.0, 3.0]]), 1)
    tensor([[-1.0000,  1.0000]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, channels = input._data.shape[:2]
    if channels % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{list(input.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._data.shape) != (channels,):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
                f"{name} of shape {list(t.shape)} and input of shape {list(input.shape)}"
            )
    _check_dtypes(input, weight=weight, bias=bias)
    _verify_batch_size([n * channels // num_groups, num_groups, *input._data.shape[2:]])
    per_group, length = channels // num_groups, math.prod(input._data.shape[2:])
    work = (n, num_groups, per_group, length)
    return NativeGroupNorm.apply(input, weight, bias, work, (2, 3), (1, num_groups, per_group, 1), eps)[0]
