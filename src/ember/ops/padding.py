"""Padding (F.pad): grow the last dims of a tensor, or crop them with negative widths.

`pad` lists (before, after) widths from the last dim backwards. Along one padded dim of size n
with widths (l, r), output position j reads input position t = j - l when 0 <= t < n; outside
that, each mode says where to read:

    constant   the value                                  [1 2 3] (2, 2) -> [0 0 1 2 3 0 0]
    reflect    x[|t|], or x[2(n-1) - t] past the end       [1 2 3] (2, 2) -> [3 2 1 2 3 2 1]
    replicate  x[clamp(t, 0, n-1)]                         [1 2 3] (2, 2) -> [1 1 1 2 3 3 3]
    circular   the crop c = x[max(-l,0) : n - max(-r,0)]   [1 2 3] (2, 2) -> [2 3 1 2 3 1 2]
               read at (j - max(l, 0)) mod len(c)

So reflect, replicate and circular are gathers, out = x[idx] along each padded dim, and their
gradient is the scatter-add dx[i] = sum of dy[j] over the j with idx[j] = i: a border position
collects the gradient of every copy of it.
"""

from __future__ import annotations

import operator
from typing import Any, Optional, Sequence

import numpy as np

from ..autograd.function import Function

_MODES = ("constant", "reflect", "replicate", "circular")
_RANK_ERROR = (
    "Padding size {size} is not supported for {ndim}D input tensor.\n"
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def _widths(ndim: int, pad: Sequence[int]) -> list[tuple[int, int, int]]:
    """(dim, before, after) for each padded dim, last dim first, as `pad` lists them."""
    return [(ndim - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


class ConstantPad(Function):
    """Pad with a constant (negative widths crop);  dx = the interior of dy: dy padded by the
    negated widths, so a cropped input position gets gradient 0."""

    _array_forward = True
    backward_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, pad, value):
        widths = [(0, 0)] * x.ndim
        for dim, before, after in _widths(x.ndim, pad):
            if max(-before, 0) + max(-after, 0) > x.shape[dim]:
                raise RuntimeError(
                    f"narrow(): length must be non-negative. Padding ({before}, {after}) crops more than the "
                    f"{x.shape[dim]} elements of dimension {dim} of input {list(x.shape)}"
                )
            widths[dim] = (before, after)
        ctx.widths = widths
        grow = [(max(a, 0), max(b, 0)) for a, b in widths]
        out = np.pad(x, grow, constant_values=value) if any(a or b for a, b in grow) else x
        return out[tuple(slice(-min(a, 0), out.shape[i] + min(b, 0)) for i, (a, b) in enumerate(widths))]

    @staticmethod
    def backward(ctx, grad):
        inverse = [v for a, b in reversed(ctx.widths) for v in (-a, -b)]
        return pad(grad, inverse), None, None


def _gather(ctx: Any, x: np.ndarray, maps: tuple[tuple[int, np.ndarray], ...]) -> np.ndarray:
    """x read at `idx` along each (dim, idx) of `maps`; kept on ctx for the backward scatter."""
    ctx.maps, ctx.shape = maps, x.shape
    for dim, idx in maps:
        x = np.take(x, idx, axis=dim)
    return x


def _runs(idx: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Cut an index map into runs (start, stop, first, step): outputs start..stop-1 read
    first, first + step, ... with step -1, 0 or 1 (a mirrored, repeated or copied stretch)."""
    runs, start, n = [], 0, len(idx)
    while start < n:
        stop, step = start + 1, 1
        if stop < n and abs(int(idx[stop]) - int(idx[start])) <= 1:
            step = int(idx[stop]) - int(idx[start])
            while stop < n and int(idx[stop]) - int(idx[stop - 1]) == step:
                stop += 1
        runs.append((start, stop, int(idx[start]), step))
        start = stop
    return runs


def _scatter_add(grad: np.ndarray, dim: int, idx: np.ndarray, size: int) -> np.ndarray:
    """out[i] = sum of grad[j] over the j with idx[j] = i, along `dim` (out has `size` there):
    one slice add per run, not one per element."""
    shape = list(grad.shape)
    shape[dim] = size
    out = np.zeros(shape, grad.dtype)
    lead = (slice(None),) * dim
    for start, stop, first, step in _runs(idx):
        piece = grad[lead + (slice(start, stop),)]
        if step == 0:
            out[lead + (first,)] += piece.sum(axis=dim)
        elif step == 1:
            out[lead + (slice(first, first + stop - start),)] += piece
        else:
            out[lead + (slice(first - (stop - start) + 1, first + 1),)] += np.flip(piece, axis=dim)
    return out


class PadScatter(Function):
    """The gradient of a gather pad: dy scatter-added back along each map (the last applied
    first). It is linear in dy, so its own gradient is the gather again."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, maps, shape):
        ctx.maps = maps
        for dim, idx in reversed(maps):
            grad = _scatter_add(grad, dim, idx, shape[dim])
        return grad

    @staticmethod
    def backward(ctx, grad):
        return PadGather.apply(grad, ctx.maps), None, None

    backward_arrays = backward


class PadGather(Function):
    """out = x read at given index maps: a pad of any of the gather modes, as PadScatter's
    gradient (double backward) sees it;  dx = dy scatter-added back (PadScatter)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, maps):
        return _gather(ctx, x, maps)

    @staticmethod
    def backward(ctx, grad):
        return PadScatter.apply(grad, ctx.maps, ctx.shape), None

    backward_arrays = backward


def _check_nonempty(x: np.ndarray, nd: int) -> None:
    """reflect and replicate need every dim but an optional batch dim to be non-empty."""
    if any(s == 0 for s in x.shape[x.ndim - nd - 1:]):
        raise RuntimeError(
            f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero "
            f"dimensions for input, but got: {list(x.shape)}"
        )


def _check_output(x: np.ndarray, widths: list[tuple[int, int, int]]) -> None:
    """reflect and replicate need some padded dim of the output to keep an element, and none
    to go below 0."""
    shape = list(x.shape)
    for dim, before, after in widths:
        shape[dim] += before + after
    dims = [dim for dim, _, _ in reversed(widths)]
    if all(shape[d] < 1 for d in dims):
        names = "DHW"[3 - len(dims):]
        given = " ".join(f"{n}: {x.shape[d]}" + ("," if n == "H" else "") for n, d in zip(names, dims))
        got = " ".join(f"{n}: {shape[d]}" for n, d in zip(names, dims))
        raise RuntimeError(f"input ({given}) is too small. Calculated output {got}")
    negative = [s for s in shape if s < 0]
    if negative:
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {shape}")


def _check_dtype(x: np.ndarray, name: str, nd: int) -> None:
    if x.dtype == np.bool_:
        raise NotImplementedError(f'"{name}{nd}d" not implemented for \'Bool\'')


class ReflectionPad(Function):
    """Mirror the borders without repeating the edge: out[j] = x[|t|], or x[2(n-1) - t] past
    the end (t = j - before). Each width must stay below n.  dx = dy scatter-added back, so
    a mirrored position gets its own gradient plus its mirror image's."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, pad):
        nd = len(pad) // 2
        _check_nonempty(x, nd)
        widths = _widths(x.ndim, pad)
        for i, (dim, before, after) in enumerate(widths):
            if before >= x.shape[dim] or after >= x.shape[dim]:
                raise RuntimeError(
                    f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input dimension, "
                    f"but got: padding ({before}, {after}) at dimension {dim} of input {list(x.shape)}"
                )
        _check_output(x, widths)
        _check_dtype(x, "reflection_pad", nd)
        maps = []
        for dim, before, after in widths:
            n = x.shape[dim]
            t = np.arange(-before, n + after)
            maps.append((dim, np.where(t < n, np.abs(t), 2 * (n - 1) - t)))
        return _gather(ctx, x, tuple(maps))

    @staticmethod
    def backward(ctx, grad):
        return PadScatter.apply(grad, ctx.maps, ctx.shape), None

    backward_arrays = backward


class ReplicationPad(Function):
    """Repeat the edge: out[j] = x[clamp(t, 0, n-1)] (t = j - before).  dx = dy scatter-added
    back, so an edge position collects the gradient of all its copies."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, pad):
        nd = len(pad) // 2
        _check_nonempty(x, nd)
        widths = _widths(x.ndim, pad)
        _check_output(x, widths)
        _check_dtype(x, "replication_pad", nd)
        maps = tuple((dim, np.clip(np.arange(-before, x.shape[dim] + after), 0, x.shape[dim] - 1))
                     for dim, before, after in widths)
        return _gather(ctx, x, maps)

    @staticmethod
    def backward(ctx, grad):
        return PadScatter.apply(grad, ctx.maps, ctx.shape), None

    backward_arrays = backward


class CircularPad(Function):
    """Wrap around: crop the negative widths, c = x[max(-l,0) : n - max(-r,0)], then
    out[j] = c[(j - max(l,0)) mod len(c)]. A positive width may not exceed len(c) (torch
    reads memory it has not written there).  dx = dy scatter-added back."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, pad):
        widths = _widths(x.ndim, pad)[::-1]
        for dim, before, after in widths:
            if before > x.shape[dim] or after > x.shape[dim]:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if x.shape[dim] + before + after < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        maps = []
        for dim, before, after in widths:
            n = x.shape[dim]
            first, kept = max(-before, 0), n - max(-before, 0) - max(-after, 0)
            if max(before, after) > kept:
                raise RuntimeError(
                    f"Padding value causes wrapping around more than once: padding ({before}, {after}) at dimension "
                    f"{dim} of input {list(x.shape)} keeps {max(kept, 0)} elements after cropping; pad by at most that"
                )
            positions = np.arange(-max(before, 0), kept + max(after, 0))
            maps.append((dim, first + positions % kept if kept else positions))
        return _gather(ctx, x, tuple(reversed(maps)))

    @staticmethod
    def backward(ctx, grad):
        return PadScatter.apply(grad, ctx.maps, ctx.shape), None

    backward_arrays = backward


# one Function per padded rank, so that grad_fn reads as torch's (ReflectionPad2DBackward0)
class ReflectionPad1D(ReflectionPad):
    pass


class ReflectionPad2D(ReflectionPad):
    pass


class ReflectionPad3D(ReflectionPad):
    pass


class ReplicationPad1D(ReplicationPad):
    pass


class ReplicationPad2D(ReplicationPad):
    pass


class ReplicationPad3D(ReplicationPad):
    pass


_GATHERS = {
    "reflect": (ReflectionPad1D, ReflectionPad2D, ReflectionPad3D),
    "replicate": (ReplicationPad1D, ReplicationPad2D, ReplicationPad3D),
    "circular": (CircularPad, CircularPad, CircularPad),
}


def _int_widths(pad: Sequence[int]) -> tuple[int, ...]:
    """The widths as Python ints: ints, NumPy integers and one-element integer tensors, not bools."""
    widths = []
    for i, p in enumerate(pad):
        try:
            if isinstance(p, bool):
                raise TypeError
            widths.append(operator.index(p))
        except TypeError:
            raise TypeError(
                f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                f"{type(p).__name__} at pos {i}"
            ) from None
    return tuple(widths)


def pad(input: Any, pad: Sequence[int], mode: str = "constant", value: Optional[float] = None) -> Any:
    """Pad (or, with negative widths, crop) the last len(pad) // 2 dims of `input`; `pad` is
    (left, right, top, bottom, front, back), last dim first. See the module docstring for the
    four modes; constant pads any rank, the others pad 1, 2 or 3 dims of an input with one
    or two more dims (an optional batch and a channel dim).

    >>> F.pad(ember.tensor([[1., 2., 3.]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
    """
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}; use one of {', '.join(_MODES)}")
    widths = _int_widths(pad)
    if len(widths) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(widths) > 2 * input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got padding length "
            f"{len(widths)} and input of dimension {input.ndim}"
        )
    if mode == "constant":
        return ConstantPad.apply(input, widths, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    nd = len(widths) // 2
    if nd not in (1, 2, 3) or input.ndim not in (nd + 1, nd + 2):
        raise NotImplementedError(_RANK_ERROR.format(size=len(widths), ndim=input.ndim))
    return _GATHERS[mode][nd - 1].apply(input, widths)


_pad = pad  # F.pad by a name that constant_pad_nd's argument `pad` does not hide


def constant_pad_nd(input: Any, pad: Sequence[int], value: float = 0) -> Any:
    """torch.constant_pad_nd: F.pad's constant mode, `value` outside (negative widths crop).

    >>> ember.constant_pad_nd(ember.tensor([1., 2.]), (1, 2), 9.0)
    tensor([9., 1., 2., 9., 9.])
    """
    return _pad(input, pad, "constant", value)
