"""Convolution layers with torch's parameter names, shapes, initialisation and repr:
`Conv1d`, `Conv2d`, `Conv3d` (weight (out, in/groups, *kernel)) and `ConvTranspose1d`,
`ConvTranspose2d`, `ConvTranspose3d` (weight (in, out/groups, *kernel)); bias (out,). The
convolutions take padding_mode 'zeros', 'reflect', 'replicate' or 'circular' (F.pad's modes)."""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

from ... import _creation, _dtype
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

Size = Union[int, Sequence[int]]
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value: Size, nd: int) -> tuple[int, ...]:
    return (value,) * nd if isinstance(value, int) else tuple(int(v) for v in value)


def _reversed_padding(
    padding: Union[tuple[int, ...], str], kernel_size: tuple[int, ...], dilation: tuple[int, ...]
) -> Union[tuple[int, ...], list[int]]:
    """The widths F.pad takes for a non-zeros padding_mode: last dim first, (before, after) each.
    padding='same' pads d (k - 1) in all, the odd one after, as torch's; 'valid' pads nothing."""
    if not isinstance(padding, str):
        return tuple(p for p in reversed(padding) for _ in range(2))
    widths = [0, 0] * len(kernel_size)
    if padding == "same":
        for i, (d, k) in enumerate(zip(reversed(dilation), reversed(kernel_size))):
            total = d * (k - 1)
            widths[2 * i], widths[2 * i + 1] = total // 2, total - total // 2
    return widths


class _ConvNd(Module):
    """What every convolution layer shares: arguments checked and stored as torch stores
    them (tuples per spatial dim), weight and bias, and their initialisation:
    kaiming_uniform_(a=sqrt(5)) for the weight, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    and the same bound for the bias; fan_in = weight.shape[1] * prod(kernel_size)."""

    _nd: int
    _transposed = False

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size, padding: Union[Size, str],
        dilation: Size, groups: int, bias: bool, padding_mode: str, output_padding: Size = 0,
        device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {set(_PADDING_MODES)}, but got padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, nd)
        self.stride = _ntuple(stride, nd)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Union[tuple[int, ...], str] = padding
        else:
            self.padding = _ntuple(padding, nd)
        self.dilation = _ntuple(dilation, nd)
        self.transposed = self._transposed
        self.output_padding = _ntuple(output_padding, nd)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = _reversed_padding(self.padding, self.kernel_size, self.dilation)
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(_creation.empty(shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(_creation.empty((out_channels,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _padded(self, input: Tensor) -> tuple[Tensor, Union[tuple[int, ...], str]]:
        """The input and the padding the convolution takes: a padding_mode other than 'zeros'
        pads with F.pad first (reflect, replicate or circular), and the convolution then pads
        nothing."""
        if self.padding_mode == "zeros":
            return input, self.padding
        return F.pad(input, self._reversed_padding_repeated_twice, self.padding_mode), (0,) * self._nd

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    """A convolution layer: the arguments of Conv1d/2d/3d and forward through `_function`."""

    _function: Any

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
        padding: Union[Size, str] = 0, dilation: Size = 1, groups: int = 1, bias: bool = True,
        padding_mode: str = "zeros", device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
            device=device, dtype=dtype,
        )

    def forward(self, input: Tensor) -> Tensor:
        input, padding = self._padded(input)
        return self._function(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_Conv):
    """y = conv1d(x, weight, bias): (N, C_in, L) or (C_in, L) -> (N, C_out, L_out) with
    L_out = floor((L + 2p - d (k - 1) - 1) / s) + 1. See F.conv1d."""

    _nd = 1
    _function = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """y = conv2d(x, weight, bias): (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out)
    with H_out = floor((H + 2p - d (k - 1) - 1) / s) + 1, likewise W_out. See F.conv2d.

    >>> nn.Conv2d(1, 8, 3, padding=1)(ember.ones(64, 1, 28, 28)).shape
    (64, 8, 28, 28)
    """

    _nd = 2
    _function = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """y = conv3d(x, weight, bias): (N, C_in, D, H, W) or (C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out),
    each size floor((n + 2p - d (k - 1) - 1) / s) + 1. See F.conv3d."""

    _nd = 3
    _function = staticmethod(F.conv3d)


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution layer: forward through `_function`, output_size picking output_padding."""

    _transposed = True
    _function: Any

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
        output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
        padding_mode: str = "zeros", device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
            output_padding, device=device, dtype=dtype,
        )

    def forward(self, input: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        extra = self._output_padding(input, output_size)
        return self._function(input, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation)

    def _output_padding(self, input: Tensor, output_size: Optional[Sequence[int]]) -> tuple[int, ...]:
        """The output_padding that makes the output `output_size` (its last nd entries), which
        must lie between the smallest size and that plus stride - 1, as torch requires."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        wanted = list(output_size)[-nd:]
        if len(wanted) != nd:
            raise ValueError(
                f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have {nd} or {nd + 2} elements "
                f"(got {len(output_size)})"
            )
        extra = []
        for i, w in enumerate(wanted):
            n = input.shape[input.ndim - nd + i]
            smallest = (n - 1) * self.stride[i] - 2 * self.padding[i] + self.dilation[i] * (self.kernel_size[i] - 1) + 1
            largest = smallest + self.stride[i] - 1
            if not smallest <= w <= largest:
                raise ValueError(
                    f"requested an output size of {wanted}, but valid sizes range from {smallest} to {largest} "
                    f"(for an input of {list(input.shape[-nd:])})"
                )
            extra.append(w - smallest)
        return tuple(extra)


class ConvTranspose1d(_ConvTransposeNd):
    """y = conv_transpose1d(x, weight, bias): (N, C_in, L) -> (N, C_out, L_out) with
    L_out = (L - 1) s - 2p + d (k - 1) + output_padding + 1; `output_size` in forward picks
    output_padding. See F.conv_transpose1d."""

    _nd = 1
    _function = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """y = conv_transpose2d(x, weight, bias): (N, C_in, H, W) -> (N, C_out, H_out, W_out) with
    H_out = (H - 1) s - 2p + d (k - 1) + output_padding + 1; `output_size` in forward picks
    output_padding. See F.conv_transpose2d.

    >>> nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)(ember.ones(1, 16, 7, 7)).shape
    (1, 8, 14, 14)
    """

    _nd = 2
    _function = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """y = conv_transpose3d(x, weight, bias): (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out),
    each size (n - 1) s - 2p + d (k - 1) + output_padding + 1; `output_size` in forward picks
    output_padding. See F.conv_transpose3d."""

    _nd = 3
    _function = staticmethod(F.conv_transpose3d)
