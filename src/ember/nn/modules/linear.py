"""Affine layers with torch's parameter names, shapes and initialisation: `Linear` (weight
(out, in), bias (out,)) and `Bilinear` (weight (out, in1, in2), bias (out,))."""

from __future__ import annotations

import math
from typing import Any, Optional

from ... import _creation, _dtype
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Bilinear", "Linear"]


def _empty(shape: tuple[int, ...], dtype: Optional[_dtype.dtype], device: Any) -> Parameter:
    return Parameter(_creation.empty(shape, dtype=dtype, device=device))


def _weight_and_bias(module: Module, weight_shape: tuple[int, ...], bias: bool, dtype: Optional[_dtype.dtype],
                     device: Any) -> None:
    """Give `module` an uninitialised weight of `weight_shape` and a bias of shape (out,) (its first
    dimension), or a registered None bias when `bias` is False; reset_parameters fills them."""
    module.weight = _empty(weight_shape, dtype, device)
    if bias:
        module.bias = _empty(weight_shape[:1], dtype, device)
    else:
        module.register_parameter("bias", None)


class Linear(Module):
    """y = x W^T + b, x of shape (*, in_features) -> y (*, out_features).

    W and b start uniform on [-1/sqrt(in_features), 1/sqrt(in_features)], as torch's: the
    weight through kaiming_uniform_(a=sqrt(5)), the bias directly.
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        _weight_and_bias(self, (out_features, in_features), bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """y_k = x1^T W_k x2 + b_k, x1 (*, in1_features), x2 (*, in2_features) -> y (*, out_features).

    W and b start uniform on [-1/sqrt(in1_features), 1/sqrt(in1_features)], as torch's.
    """

    def __init__(
        self, in1_features: int, in2_features: int, out_features: int, bias: bool = True, device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        _weight_and_bias(self, (out_features, in1_features, in2_features), bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )
