"""Pooling layers (and Upsample), storing their arguments and printing as torch's do; each
forward is the function of the same name in `ember.nn.functional`."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AvgPool1d", "AvgPool2d",
    "MaxPool1d", "MaxPool2d", "Upsample", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "AvgPool3d", "MaxPool3d",
    "UpsamplingBilinear2d", "UpsamplingNearest2d",
]

Size = Union[int, Sequence[int]]
OptionalSize = Union[Optional[int], Sequence[Optional[int]]]
PoolOutput = Union[Tensor, tuple[Tensor, Tensor]]


class _MaxPoolNd(Module):
    def __init__(
        self, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, dilation: Size = 1,
        return_indices: bool = False, ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """The max of each window of kernel_size (taps dilation apart, stride apart, -inf padding):
    (N, C, L) -> (N, C, L_out), L_out = floor((L + 2p - d (k - 1) - 1) / s) + 1 (ceil with
    ceil_mode); also the indices with return_indices."""

    def forward(self, input: Tensor) -> PoolOutput:
        return F.max_pool1d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )


class MaxPool2d(_MaxPoolNd):
    """The max of each kernel_size window: (N, C, H, W) -> (N, C, H_out, W_out); see MaxPool1d.

    >>> nn.MaxPool2d(2)(ember.ones(64, 8, 28, 28)).shape
    (64, 8, 14, 14)
    """

    def forward(self, input: Tensor) -> PoolOutput:
        return F.max_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )


class AvgPool1d(Module):
    """The mean of each window: (N, C, L) -> (N, C, L_out); see F.avg_pool1d for the divisor."""

    def __init__(
        self, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        single = lambda v: (v,) if isinstance(v, int) else tuple(v)  # noqa: E731
        self.kernel_size = single(kernel_size)
        self.stride = single(stride if stride is not None else kernel_size)
        self.padding = single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class AvgPool2d(Module):
    """The mean of each window: (N, C, H, W) -> (N, C, H_out, W_out); see F.avg_pool2d."""

    def __init__(
        self, kernel_size: Size, stride: Optional[Size] = None, padding: Size = 0, ceil_mode: bool = False,
        count_include_pad: bool = True, divisor_override: Optional[int] = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
            self.divisor_override,
        )


class _AdaptivePoolNd(Module):
    def __init__(self, output_size: OptionalSize) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Means over output_size bins that cover the input: (N, C, L) -> (N, C, output_size)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Means over bins that cover the input: (N, C, H, W) -> (N, C, *output_size); a None in
    output_size keeps that dim's size.

    >>> nn.AdaptiveAvgPool2d((1, 1))(ember.ones(2, 16, 7, 5)).shape
    (2, 16, 1, 1)
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size: OptionalSize, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Maxima over output_size bins that cover the input: (N, C, L) -> (N, C, output_size)."""

    def forward(self, input: Tensor) -> PoolOutput:
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Maxima over bins that cover the input: (N, C, H, W) -> (N, C, *output_size)."""

    def forward(self, input: Tensor) -> PoolOutput:
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class Upsample(Module):
    """F.interpolate with fixed arguments: to `size`, or by `scale_factor`, with mode nearest,
    linear or bilinear.

    >>> nn.Upsample(scale_factor=2, mode="bilinear")(ember.ones(1, 3, 4, 4)).shape
    (1, 3, 8, 8)
    """

    def __init__(
        self, size: OptionalSize = None, scale_factor: Union[float, Sequence[float], None] = None,
        mode: str = "nearest", align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
    ) -> None:
        super().__init__()
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor: Union[float, tuple[float, ...], None] = tuple(float(s) for s in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(
            input, self.size, self.scale_factor, self.mode, self.align_corners, self.recompute_scale_factor
        )

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class MaxPool3d(_MaxPoolNd):
    """The max of each kernel_size window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out); see MaxPool1d."""

    def forward(self, input: Tensor) -> PoolOutput:
        return F.max_pool3d(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )


class AvgPool3d(AvgPool2d):
    """The mean of each window: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out); see F.avg_pool3d."""

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool3d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
            self.divisor_override,
        )


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    """Means over bins that cover the input: (N, C, D, H, W) -> (N, C, *output_size)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool3d(input, self.output_size)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Maxima over bins that cover the input: (N, C, D, H, W) -> (N, C, *output_size)."""

    def forward(self, input: Tensor) -> PoolOutput:
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class UpsamplingNearest2d(Upsample):
    """Upsample with mode nearest, for (N, C, H, W) input."""

    def __init__(self, size: OptionalSize = None, scale_factor: Union[float, Sequence[float], None] = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode bilinear and align_corners=True, for (N, C, H, W) input."""

    def __init__(self, size: OptionalSize = None, scale_factor: Union[float, Sequence[float], None] = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
