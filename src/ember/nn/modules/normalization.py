"""Per-sample normalisation layers: `LayerNorm` and `RMSNorm` (over the last dims), `GroupNorm`
(over groups of channels) and `LocalResponseNorm` (over neighbouring channels), with torch's parameters, defaults and repr. Neither keeps running
statistics, so train and eval mode compute the same thing."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from ... import _creation, _dtype
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["GroupNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm"]


def affine_parameters(module: Module, shape: Sequence[int], affine: bool, bias: bool,
                      dtype: Optional[_dtype.dtype], device: Any) -> None:
    """A normalisation layer's elementwise weight and bias of `shape` (uninitialised; see
    reset_affine), or registered Nones: no weight without `affine`, no bias without `bias`."""
    if affine:
        module.weight = Parameter(_creation.empty(tuple(shape), dtype=dtype, device=device))
    else:
        module.register_parameter("weight", None)
    if affine and bias:
        module.bias = Parameter(_creation.empty(tuple(shape), dtype=dtype, device=device))
    else:
        module.register_parameter("bias", None)


def _shape_tuple(shape: Union[int, Sequence[int]]) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(int(n) for n in shape)


def reset_affine(module: Module) -> None:
    """weight = 1, bias = 0: the normalised output passes through unchanged at first."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, the statistics over the last
    len(normalized_shape) dims of each sample; weight (ones) and bias (zeros) have shape
    normalized_shape when elementwise_affine (bias=False leaves out the bias).

    >>> nn.LayerNorm(4)(ember.randn(2, 3, 4)).shape
    (2, 3, 4)
    """

    def __init__(
        self,
        normalized_shape: Union[int, Sequence[int]],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Split the C channels of (N, C, *) input into num_groups groups and normalise each group
    of each sample over its channels and the other dims; weight (ones) and bias (zeros) are per
    channel when affine. GroupNorm(1, C) normalises whole samples, GroupNorm(C, C) each
    channel alone (instance norm).

    >>> nn.GroupNorm(2, 4)(ember.randn(3, 4, 5)).shape
    (3, 4, 5)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        affine_parameters(self, (num_channels,), affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight over the last len(normalized_shape) dims; weight
    (ones, shape normalized_shape) when elementwise_affine; eps=None is the input dtype's
    machine epsilon. See F.rms_norm.

    >>> nn.RMSNorm(4)(ember.randn(2, 4)).shape
    (2, 4)
    """

    def __init__(
        self, normalized_shape: Union[int, Sequence[int]], eps: Optional[float] = None,
        elementwise_affine: bool = True, device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape_tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_creation.empty(self.normalized_shape, dtype=dtype, device=device))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input: Tensor) -> Tensor:
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class LocalResponseNorm(Module):
    """y[n, c] = x[n, c] / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta.
    See F.local_response_norm."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
