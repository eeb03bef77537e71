"""Shape ops: they move elements around without computing, so each backward moves the
gradient back (reshape back, permute back, sum over what expand repeated, ...)."""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from .. import _dtype
from .._convert import is_size
from ..autograd.function import Function
from ._util import normalize_dims, sum_to
from ._views import track

Shape = Union[int, Sequence[int]]


def _sizes(args: tuple) -> tuple[int, ...]:
    """Accept both f(2, 3) and f((2, 3)), as torch does; a size may be a one-element integer
    tensor."""
    if len(args) == 1 and not is_size(args[0]):
        return tuple(int(s) for s in args[0])
    return tuple(int(s) for s in args)


def _dim(dim: int, ndim: int) -> int:
    return normalize_dims(dim, ndim)[0] if ndim else 0


class Reshape(Function):
    """Same elements, new shape;  dx = dy reshaped back."""

    _array_forward = True
    _is_view = True
    backward_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {x.size}") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None

    backward_arrays = backward


class Expand(Function):
    """Broadcast to a larger shape (a view);  dx = dy summed over the repeated dimensions."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        lead = len(shape) - x.ndim
        if lead < 0:
            raise RuntimeError(
                f"expand: the number of sizes provided ({len(shape)}) must be greater or equal to "
                f"the number of dimensions in the tensor ({x.ndim})"
            )
        target = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
        try:
            return np.broadcast_to(x, target)
        except ValueError:
            raise RuntimeError(
                f"The expanded size of the tensor ({list(target)}) must match the existing size "
                f"({list(x.shape)}) at non-singleton dimensions"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return sum_to(grad, ctx.shape), None

    backward_arrays = backward


class Permute(Function):
    """Reorder dimensions (a view);  dx = dy permuted by the inverse order."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return Permute.apply(grad, tuple(np.argsort(ctx.dims))), None

    backward_arrays = backward


class Transpose(Permute):
    pass


class T(Permute):
    pass


class Squeeze(Reshape):
    backward_name = "SqueezeBackward0"


class SqueezeDim(Reshape):
    backward_name = "SqueezeBackward1"


class SqueezeDims(Reshape):
    backward_name = "SqueezeBackward2"


class Unsqueeze(Reshape):
    backward_name = "UnsqueezeBackward0"


class Repeat(Function):
    """Tile the tensor;  dx = dy summed over the copies."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, reps):
        if len(reps) < x.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
            )
        ctx.in_shape = x.shape
        ctx.padded = (1,) * (len(reps) - x.ndim) + x.shape
        ctx.reps = reps
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx, grad):
        split = tuple(v for r, s in zip(ctx.reps, ctx.padded) for v in (r, s))
        return grad.reshape(split).sum(tuple(range(0, len(split), 2))).reshape(ctx.in_shape), None


class Flip(Function):
    """Reverse the order along dims;  dx = dy flipped back."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x, dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dims), None


class Roll(Function):
    """Shift elements cyclically;  dx = dy rolled back by -shifts."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        neg = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return grad.roll(neg, ctx.dims), None, None


class Tri(Function):
    """tril/triu: keep a triangle, zero the rest;  dx = dy with the same triangle kept."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, diagonal, upper):
        ctx.diagonal, ctx.upper = diagonal, upper
        return (np.triu if upper else np.tril)(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return (grad.triu if ctx.upper else grad.tril)(ctx.diagonal), None, None


class Tril(Tri):
    pass


class Triu(Tri):
    pass


class Cast(Function):
    """Change dtype;  dx = dy cast back to the input's dtype (zero for a non-float input)."""

    _array_forward = True
    backward_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype):
        ctx.dtype = x.dtype
        return _dtype.astype(x, np_dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(_dtype.from_numpy(ctx.dtype)), None


class Clone(Function):
    """A copy;  dx = dy."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad

    backward_arrays = backward


def reshape(input: Any, *shape: Shape) -> Any:
    return _reshape(input, _sizes(shape), Reshape)


def _reshape(input: Any, shape: tuple[int, ...], fn: type) -> Any:
    """Reshape (or squeeze / unsqueeze, which name their node as torch does)."""
    same = shape == input._data.shape and not input._requires_grad
    return track(input._alias(False, None) if same else fn.apply(input, shape), input, lambda t: fn.apply(t, shape))


def view(input: Any, *shape: Shape) -> Any:
    """reshape that refuses to copy: the result always shares input's memory, as torch's view."""
    shape = _sizes(shape)
    probe = input._data.view()
    try:
        probe.shape = shape
    except AttributeError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension "
            "spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    except ValueError:
        pass  # a wrong element count: reshape names it
    return _reshape(input, shape, Reshape)


def expand(input: Any, *sizes: Shape) -> Any:
    return Expand.apply(input, _sizes(sizes))


def broadcast_to(input: Any, size: Sequence[int]) -> Any:
    """`expand` under NumPy's name, as torch offers it."""
    return Expand.apply(input, _sizes((size,)))


def movedim(input: Any, source: Union[int, Sequence[int]], destination: Union[int, Sequence[int]]) -> Any:
    """Move dims `source` to positions `destination`, the others keeping their order (a
    permute, so a view with PermuteBackward0)."""
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain the same "
            f"number of dims as destination ({dst} dims)"
        )
    src, dst = _distinct_dims(src, input.ndim, "source"), _distinct_dims(dst, input.ndim, "destination")
    order = [d for d in range(input.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


def _distinct_dims(dims: list[int], ndim: int, name: str) -> list[int]:
    axes = [normalize_dims(d, ndim)[0] for d in dims]  # out of range: torch's IndexError
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    return axes


def permute(input: Any, *dims: Shape) -> Any:
    return _permute(input, permuted_dims(input, dims), Permute)


def permuted_dims(input: Any, dims: Sequence[Shape]) -> tuple[int, ...]:
    """permute's order, checked as torch's (one entry per dim, in range, no repeats), made
    non-negative."""
    dims = _sizes(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    normalize_dims(dims, input.ndim)  # range and repeat checks
    return tuple(d % input.ndim for d in dims)


def _permute(input: Any, dims: tuple[int, ...], fn: type) -> Any:
    return track(fn.apply(input, dims), input, lambda t: fn.apply(t, dims))


def transpose(input: Any, dim0: int, dim1: int, fn: type = Transpose) -> Any:
    """dims dim0 and dim1 exchanged (a view; of a 0-d or 1-d tensor, a view of the same shape)."""
    d0, d1 = normalize_dims(dim0, input.ndim)[0], normalize_dims(dim1, input.ndim)[0]
    order = list(range(input.ndim))
    if order:
        order[d0], order[d1] = order[d1], order[d0]
    return _permute(input, tuple(order), fn)


def t(input: Any) -> Any:
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _permute(input, tuple(reversed(range(input.ndim))), T)


def squeeze(input: Any, dim: Any = None) -> Any:
    return _reshape(input, squeezed_shape(input, dim), squeeze_fn(dim, Squeeze, SqueezeDim, SqueezeDims))


def squeeze_fn(dim: Any, every: type, one: type, several: type) -> type:
    """The node squeeze records (torch names three: all dims, one dim, a list of dims)."""
    return every if dim is None else one if isinstance(dim, (int, np.integer)) else several


def squeezed_shape(input: Any, dim: Any) -> tuple[int, ...]:
    """input's shape without its size-1 dims (those of `dim`, or all of them for None)."""
    dims = normalize_dims(dim, input.ndim) if dim is not None else None
    return tuple(n for i, n in enumerate(input._data.shape) if not (n == 1 and (dims is None or i in dims)))


def unsqueeze(input: Any, dim: int) -> Any:
    return _reshape(input, unsqueezed_shape(input, dim), Unsqueeze)


def unsqueezed_shape(input: Any, dim: int) -> tuple[int, ...]:
    """input's shape with a size-1 dim inserted at `dim`."""
    ndim = input.ndim + 1
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    dim %= ndim
    return input._data.shape[:dim] + (1,) + input._data.shape[dim:]


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    if input.ndim == 0:
        return reshape(input, (1,))
    s, e = _dim(start_dim, input.ndim), _dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(input, input._data.shape[:s] + (int(np.prod(input._data.shape[s:e + 1])),) + input._data.shape[e + 1:])


def unflatten(input: Any, dim: int, sizes: Sequence[int]) -> Any:
    d = _dim(dim, input.ndim)
    return reshape(input, input.shape[:d] + tuple(sizes) + input.shape[d + 1:])


def repeat(input: Any, *sizes: Shape) -> Any:
    return Repeat.apply(input, _sizes(sizes))


def flip(input: Any, dims: Shape) -> Any:
    return Flip.apply(input, normalize_dims(dims, input.ndim))


def roll(input: Any, shifts: Shape, dims: Any = None) -> Any:
    many = not isinstance(shifts, int)
    if many and not len(shifts):
        raise RuntimeError("`shifts` required")
    if dims is not None:
        count = 1 if isinstance(dims, int) else len(dims)
        if (len(shifts) if many else 1) != count:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {shifts}, dims: {dims}")
        dims = normalize_dims(dims, input.ndim) if isinstance(dims, int) else tuple(normalize_dims(d, input.ndim)[0] for d in dims)
        if input.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if dims is None:
        return Roll.apply(input.flatten(), shifts, None).reshape(input._data.shape)
    return Roll.apply(input, shifts, dims)


def tril(input: Any, diagonal: int = 0) -> Any:
    _check_matrices(input, "tril")
    return Tril.apply(input, diagonal, False)


def triu(input: Any, diagonal: int = 0) -> Any:
    _check_matrices(input, "triu")
    return Triu.apply(input, diagonal, True)


def _check_matrices(input: Any, name: str) -> None:
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got shape "
                           f"{list(input.shape)}; add one with unsqueeze(0)")


def cast(input: Any, dtype: _dtype.dtype) -> Any:
    if input._data.dtype == dtype.numpy:
        return input
    if input.requires_grad and not dtype.is_floating_point:
        return input._make(input._data.astype(dtype.numpy), False, None)
    return Cast.apply(input, dtype.numpy)


def clone(input: Any) -> Any:
    return Clone.apply(input)


def contiguous(input: Any) -> Any:
    return input if input._data.flags.c_contiguous else clone(input)
