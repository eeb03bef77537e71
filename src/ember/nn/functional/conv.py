"""Convolutions as `torch.nn.functional` spells them: conv1d, conv2d, conv3d and their
transposes, with torch's argument forms (an int or a tuple per spatial dim; padding also
"same" or "valid"), unbatched inputs, and torch's error messages. The arithmetic is in
`ember.ops.conv`: im2col and one GEMM per group, col2im by strided adds."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from ..._tensor import Tensor
from ...ops.conv import Convolution, ConvTranspose, geometry, output_size

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]

Size = Union[int, Sequence[int]]


def _tuple(value: Size, nd: int, name: str) -> tuple[int, ...]:
    """An int repeated over the spatial dims, or a sequence of exactly `nd` ints."""
    if isinstance(value, int):
        return (value,) * nd
    out = tuple(int(v) for v in value)
    if len(out) == 1:
        return out * nd
    if len(out) != nd:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {nd} values to match the "
            f"convolution dimensions, but got {name}={list(out)}"
        )
    return out


def _check_arguments(stride: tuple, padding: tuple, dilation: tuple, groups: int) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _batched(input: Tensor, nd: int, name: str) -> tuple[Tensor, bool]:
    """The input with a batch dim, and whether one was added (an unbatched call)."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of "
            f"size: {list(input.shape)}"
        )
    return (input.unsqueeze(0), True) if input.ndim == nd + 1 else (input, False)


def _check_weight(input: Tensor, weight: Tensor, bias: Optional[Tensor], groups: int, nd: int, transposed: bool) -> int:
    """torch's shape checks; returns the number of output channels."""
    if weight.ndim != nd + 2:
        layout = "in_channels, out_channels/groups" if transposed else "out_channels, in_channels/groups"
        raise RuntimeError(
            f"expected a {nd + 2}D weight ({layout}, *kernel_size) for a {nd}D convolution, but got weight "
            f"of size {list(weight.shape)}"
        )
    if weight._data.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got "
            f"weight of size [{list(weight.shape)}] instead"
        )
    channels = weight._data.shape[0] if transposed else weight._data.shape[1] * groups
    if input._data.shape[1] != channels:
        given = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(
            f"Given {given}, weight of size {list(weight.shape)}, expected input{list(input.shape)} to have "
            f"{channels} channels, but got {input.shape[1]} channels instead"
        )
    out_channels = weight._data.shape[1] * groups if transposed else weight._data.shape[0]
    if bias is not None and (bias.ndim != 1 or bias._data.shape[0] != out_channels):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
            f"{out_channels} elements, but got bias of size {list(bias.shape)} instead"
        )
    if weight.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same; cast one with .to(dtype)"
        )
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype.name}) and bias type ({bias.dtype.name}) should be the same; cast one with .to(dtype)"
        )
    return out_channels


def _same_padding(kernel: tuple, dilation: tuple) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """'same' pads d (k - 1) in all, the odd one after the input, as torch does."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple(t // 2 for t in total), tuple(t - t // 2 for t in total)


def _convolution(
    input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: Size, padding: Union[Size, str],
    dilation: Size, groups: int, nd: int, name: str,
) -> Tensor:
    stride, dilation = _tuple(stride, nd, "stride"), _tuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        before, after = _same_padding(weight._data.shape[2:], dilation) if padding == "same" else ((0,) * nd,) * 2
    else:
        before = after = _tuple(padding, nd, "padding")
    _check_arguments(stride, before, dilation, groups)
    x, unbatched = _batched(input, nd, name)
    _check_weight(x, weight, bias, groups, nd, transposed=False)
    kernel = tuple(weight._data.shape[2:])
    size = tuple(x._data.shape[2:])
    padded = tuple(n + a + b for n, a, b in zip(size, before, after))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < e for p, e in zip(padded, span)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
            f"({' x '.join(map(str, span))}). Kernel size can't be greater than actual input size"
        )
    out = tuple(output_size(*args) for args in zip(size, kernel, stride, before, after, dilation))
    g = geometry(kernel, stride, before, dilation, groups, size, out)
    y = Convolution.apply(x, weight, bias, g)
    return y.squeeze(0) if unbatched else y


def conv1d(
    input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size = 1,
    padding: Union[Size, str] = 0, dilation: Size = 1, groups: int = 1,
) -> Tensor:
    """y[n, o, i] = b[o] + sum_{c, k} w[o, c, k] x_pad[n, g C/G + c, i s + k d] for input (N, C_in, L)
    or (C_in, L), weight (C_out, C_in/groups, K), bias (C_out,); L_out = floor((L + 2p - d (K - 1) - 1) / s) + 1.

    >>> F.conv1d(ember.ones(1, 2, 5), ember.ones(3, 2, 3)).shape
    (1, 3, 3)
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(
    input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size = 1,
    padding: Union[Size, str] = 0, dilation: Size = 1, groups: int = 1,
) -> Tensor:
    """y[n, o, i, j] = b[o] + sum_{c, k, l} w[o, c, k, l] x_pad[n, g C/G + c, i s_h + k d_h, j s_w + l d_w]
    for input (N, C_in, H, W) or (C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out,);
    each output size is floor((n + 2p - d (k - 1) - 1) / s) + 1. padding="same" keeps the size
    (stride 1 only), "valid" is no padding.

    >>> F.conv2d(ember.ones(2, 3, 8, 8), ember.ones(4, 3, 3, 3), padding=1).shape
    (2, 4, 8, 8)
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(
    input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size = 1,
    padding: Union[Size, str] = 0, dilation: Size = 1, groups: int = 1,
) -> Tensor:
    """y[n, o, t, i, j] = b[o] + sum_{c, u, k, l} w[o, c, u, k, l] x_pad[n, g C/G + c, t s_d + u d_d, i s_h + k d_h, j s_w + l d_w]
    for input (N, C_in, D, H, W) or (C_in, D, H, W), weight (C_out, C_in/groups, kD, kH, kW);
    each output size is floor((n + 2p - d (k - 1) - 1) / s) + 1, as in conv2d.

    >>> F.conv3d(ember.ones(1, 2, 5, 5, 5), ember.ones(3, 2, 3, 3, 3)).shape
    (1, 3, 3, 3, 3)
    """
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transpose(
    input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: Size, padding: Size, output_padding: Size,
    groups: int, dilation: Size, nd: int, name: str,
) -> Tensor:
    stride, dilation = _tuple(stride, nd, "stride"), _tuple(dilation, nd, "dilation")
    padding, extra = _tuple(padding, nd, "padding"), _tuple(output_padding, nd, "output_padding")
    _check_arguments(stride, padding, dilation, groups)
    if any(e < 0 for e in extra):
        raise RuntimeError("negative output_padding is not supported")
    if any(e >= s and e >= d for e, s, d in zip(extra, stride, dilation)):
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got output_padding={list(extra)}, "
            f"stride={list(stride)}, dilation={list(dilation)}"
        )
    x, unbatched = _batched(input, nd, name)
    _check_weight(x, weight, bias, groups, nd, transposed=True)
    kernel = tuple(weight._data.shape[2:])
    size = tuple(x._data.shape[2:])
    out = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in zip(size, stride, padding, dilation, kernel, extra)
    )
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, size))}). Calculated output size per channel: "
            f"({' x '.join(map(str, out))}). Output size is too small"
        )
    # the transposed convolution is the adjoint of the convolution from `out` back to `size`
    g = geometry(kernel, stride, padding, dilation, groups, out, size)
    y = ConvTranspose.apply(x, weight, bias, g, None)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(
    input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size = 1, padding: Size = 0,
    output_padding: Size = 0, groups: int = 1, dilation: Size = 1,
) -> Tensor:
    """The adjoint of conv1d in its input (its gradient): input (N, C_in, L) or (C_in, L), weight
    (C_in, C_out/groups, K), bias (C_out,); L_out = (L - 1) s - 2p + d (K - 1) + output_padding + 1.

    >>> F.conv_transpose1d(ember.ones(1, 2, 4), ember.ones(2, 3, 3), stride=2).shape
    (1, 3, 9)
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d")


def conv_transpose2d(
    input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size = 1, padding: Size = 0,
    output_padding: Size = 0, groups: int = 1, dilation: Size = 1,
) -> Tensor:
    """The adjoint of conv2d in its input: every input pixel adds w[c] times itself onto a
    kernel-sized patch of the output, patches s apart, then p is cropped from each side.
    input (N, C_in, H, W) or (C_in, H, W), weight (C_in, C_out/groups, kH, kW), bias (C_out,);
    H_out = (H - 1) s - 2p + d (kH - 1) + output_padding + 1, likewise W_out.

    >>> F.conv_transpose2d(ember.ones(1, 4, 5, 5), ember.ones(4, 2, 3, 3), stride=2, padding=1, output_padding=1).shape
    (1, 2, 10, 10)
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d")


def conv_transpose3d(
    input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size = 1, padding: Size = 0,
    output_padding: Size = 0, groups: int = 1, dilation: Size = 1,
) -> Tensor:
    """The adjoint of conv3d in its input: input (N, C_in, D, H, W) or (C_in, D, H, W), weight
    (C_in, C_out/groups, kD, kH, kW); each output size is (n - 1) s - 2p + d (k - 1) + output_padding + 1.

    >>> F.conv_transpose3d(ember.ones(1, 2, 3, 3, 3), ember.ones(2, 4, 2, 2, 2), stride=2).shape
    (1, 4, 6, 6, 6)
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3, "conv_transpose3d")
