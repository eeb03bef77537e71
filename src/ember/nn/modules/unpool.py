"""MaxUnpool1d/2d/3d and LPPool1d/2d/3d: the layers of F.max_unpool* and F.lp_pool*, storing
their arguments and printing as torch's do."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]

Size = Union[int, Sequence[int]]


class _MaxUnpoolNd(Module):
    _nd: int

    def __init__(self, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0) -> None:
        super().__init__()
        nd = self._nd
        as_tuple = lambda v: (v,) * nd if isinstance(v, int) else tuple(v)  # noqa: E731
        self.kernel_size = as_tuple(kernel_size)
        self.stride = as_tuple(stride if stride is not None else kernel_size)
        self.padding = as_tuple(padding)

    def forward(self, input: Tensor, indices: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        unpool = (F.max_unpool1d, F.max_unpool2d, F.max_unpool3d)[self._nd - 1]
        return unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """Puts each value back at its max_pool1d index, zeros elsewhere: (N, C, L) -> (N, C, L_out)."""

    _nd = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """Puts each value back at its max_pool2d index, zeros elsewhere: (N, C, H, W) -> (N, C, H_out, W_out).

    >>> pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    >>> unpool(*pool(ember.ones(1, 1, 4, 4))).shape
    (1, 1, 4, 4)
    """

    _nd = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """Puts each value back at its max_pool3d index, zeros elsewhere."""

    _nd = 3


class _LPPoolNd(Module):
    _nd: int

    def __init__(self, norm_type: float, kernel_size: Size, stride: Optional[Size] = None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        pool = (F.lp_pool1d, F.lp_pool2d, F.lp_pool3d)[self._nd - 1]
        return pool(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, ceil_mode={self.ceil_mode}"


class LPPool1d(_LPPoolNd):
    """(sum of x^p over each window)^(1/p): (N, C, L) -> (N, C, L_out)."""

    _nd = 1


class LPPool2d(_LPPoolNd):
    """(sum of x^p over each window)^(1/p): (N, C, H, W) -> (N, C, H_out, W_out)."""

    _nd = 2


class LPPool3d(_LPPoolNd):
    """(sum of x^p over each window)^(1/p): (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    _nd = 3
