"""F.unfold (im2col: every sliding block of a 4-d image as a column) and F.fold (col2im: the
columns summed back onto the image), with torch's argument forms and errors. The ops are in
`ember.ops.fold`."""

from __future__ import annotations

from typing import Sequence, Union

from ..._tensor import Tensor
from ...ops.conv import Geometry, geometry, output_size
from ...ops.fold import Col2Im, Im2Col

__all__ = ["fold", "unfold"]

Size = Union[int, Sequence[int]]


def _pair(value: Size) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    out = tuple(int(v) for v in value)
    return (out[0], out[0]) if len(out) == 1 else out


def _blocks(
    size: tuple[int, int], kernel_size: Size, dilation: Size, padding: Size, stride: Size,
) -> tuple[Geometry, tuple[int, ...]]:
    """The geometry of the sliding blocks over an image of `size`, checked as torch does."""
    kernel, dilation, padding, stride = _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride)
    for name, value, low in (("kernel size", kernel, 1), ("dilation", dilation, 1), ("stride", stride, 1), ("padding", padding, 0)):
        if any(v < low for v in value):
            word = "be non-negative" if low == 0 else "be greater than zero"
            short = {"kernel size": "kernel", "padding": "pad", "dilation": "dilation", "stride": "stride"}[name]
            raise RuntimeError(
                f"{name} should {word}, but got {short}_height: {value[0]} {short}_width: {value[1]}"
            )
    blocks = tuple(output_size(n, k, s, p, p, d) for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {tuple(size)}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
            f"calculated shape of the array of sliding blocks as {blocks}, but its components must be at least one."
        )
    return geometry(kernel, stride, padding, dilation, 1, tuple(size), blocks), (kernel, dilation, padding, stride)


def unfold(input: Tensor, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1) -> Tensor:
    """(N, C, H, W) -> (N, C kH kW, L): column l holds the block at (i s_h - p_h, j s_w - p_w) (l =
    i W_blocks + j), taps d apart, zero padding; rows run over (channel, kernel offset).

    >>> F.unfold(ember.ones(1, 2, 4, 5), 2).shape
    (1, 8, 12)
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    g, _ = _blocks(tuple(x.shape[2:]), kernel_size, dilation, padding, stride)
    y = Im2Col.apply(x, g)
    return y.squeeze(0) if unbatched else y


def fold(
    input: Tensor, output_size: Size, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1,
) -> Tensor:
    """(N, C kH kW, L) -> (N, C, *output_size): each column added onto its block (the adjoint
    of unfold; overlapping blocks sum).

    >>> F.fold(ember.ones(1, 8, 12), (4, 5), 2).shape
    (1, 2, 4, 5)
    """
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for "
            f"input, but got: {list(input.shape)}"
        )
    unbatched = input.ndim == 2
    y = input.unsqueeze(0) if unbatched else input
    size = _pair(output_size)
    g, (kernel, dilation, padding, stride) = _blocks(size, kernel_size, dilation, padding, stride)
    per_block = kernel[0] * kernel[1]
    if y.shape[1] % per_block:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
            f"input.size(1)={y.shape[1]} and kernel_size={kernel}."
        )
    if y.shape[2] != g.out_size[0] * g.out_size[1]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, stride={stride}, "
            "expected size of input's dimension 2 to match the calculated number of sliding blocks "
            f"{g.out_size[0]} * {g.out_size[1]} = {g.out_size[0] * g.out_size[1]}, but got input.size(2)={y.shape[2]}."
        )
    x = Col2Im.apply(y, g)
    return x.squeeze(0) if unbatched else x
