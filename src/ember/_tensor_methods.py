"""The Tensor's operators and methods: each is one line that calls the op in `ember.ops`, where
the op, its docstring and its gradient live. Torch's names and argument orders throughout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Optional, Sequence, Union, overload

import numpy as np

from . import ops
from ._tensor_shape_methods import ShapeIndexMethods
from .ops import storage_inplace as _storage

if TYPE_CHECKING:
    from typing_extensions import Self

    from . import _dtype
    from ._random import Generator
    from ._size import Size
    from ._tensor import Tensor
    from .ops._util import Dim
    from .ops.shape import Shape

    Number = Union[float, int, bool]
    TensorLike = Union[Tensor, Number]  # a tensor operand, or a Python scalar that broadcasts as a weak one

    class ValuesIndices(NamedTuple):
        """What max/min along a dim, sort and topk return (`ember.return_types.max`, ...)."""

        values: Tensor
        indices: Tensor


class TensorMethods(ShapeIndexMethods):
    """Mixed into Tensor: the operator protocol and torch's tensor methods."""

    __slots__ = ()

    if TYPE_CHECKING:  # Tensor defines these; the one-liners below read them
        _data: np.ndarray

        @property
        def shape(self) -> Size: ...
        @property
        def dtype(self) -> _dtype.dtype: ...
        @property
        def ndim(self) -> int: ...

    # arithmetic operators; the hottest are the ops themselves (a call less on every use)
    __add__ = ops.add
    def __radd__(self, other: TensorLike) -> Tensor: return ops.add(self, other)  # torch's order: a number on the right
    __sub__ = ops.sub
    def __rsub__(self, other: TensorLike) -> Tensor: return ops.rsub(self, other)
    __mul__ = ops.mul
    def __rmul__(self, other: TensorLike) -> Tensor: return ops.mul(self, other)  # torch's order: a number on the right
    __truediv__ = ops.div
    def __rtruediv__(self, other: TensorLike) -> Tensor:
        # torch's graph: reciprocal(self) * other, whose node keeps 1/self and not self
        return ops.mul(ops.reciprocal(self), other)
    def __floordiv__(self, other: TensorLike) -> Tensor: return ops.floor_divide(self, other)
    def __rfloordiv__(self, other: TensorLike) -> Tensor: return ops.floor_divide(other, self)
    def __mod__(self, other: TensorLike) -> Tensor: return ops.remainder(self, other)
    def __rmod__(self, other: TensorLike) -> Tensor: return ops.remainder(other, self)
    def __pow__(self, other: TensorLike) -> Tensor: return ops.pow(self, other)
    def __rpow__(self, other: TensorLike) -> Tensor: return ops.pow(other, self)
    __matmul__ = ops.matmul
    def __rmatmul__(self, other: Tensor) -> Tensor: return ops.matmul(other, self)
    __neg__ = ops.neg
    def __pos__(self) -> Self: return self
    def __abs__(self) -> Tensor: return ops.abs(self)
    def __invert__(self) -> Tensor: return ops.invert(self)

    # in-place operators (ignores: mypy asks each to accept all its binary op, `ops.add` etc., accepts)
    def __iadd__(self, other: TensorLike) -> Tensor: return ops.add_(self, other)  # type: ignore[misc]
    def __isub__(self, other: TensorLike) -> Tensor: return ops.sub_(self, other)  # type: ignore[misc]
    def __imul__(self, other: TensorLike) -> Tensor: return ops.mul_(self, other)  # type: ignore[misc]
    def __itruediv__(self, other: TensorLike) -> Tensor: return ops.div_(self, other)  # type: ignore[misc]

    # comparisons and logic (bool results, no graph)
    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        return ops.eq(self, other) if _comparable(other) else NotImplemented
    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        return ops.ne(self, other) if _comparable(other) else NotImplemented
    def __lt__(self, other: TensorLike) -> Tensor: return ops.lt(self, other)
    def __le__(self, other: TensorLike) -> Tensor: return ops.le(self, other)
    def __gt__(self, other: TensorLike) -> Tensor: return ops.gt(self, other)
    def __ge__(self, other: TensorLike) -> Tensor: return ops.ge(self, other)
    def __and__(self, other: TensorLike) -> Tensor: return ops.bitwise_and(self, other)
    def __rand__(self, other: TensorLike) -> Tensor: return ops.bitwise_and(self, other)
    def __or__(self, other: TensorLike) -> Tensor: return ops.bitwise_or(self, other)
    def __ror__(self, other: TensorLike) -> Tensor: return ops.bitwise_or(self, other)
    def __xor__(self, other: TensorLike) -> Tensor: return ops.bitwise_xor(self, other)
    def __rxor__(self, other: TensorLike) -> Tensor: return ops.bitwise_xor(self, other)

    # indexing
    def __getitem__(self, key: Any) -> Tensor: return ops.getitem(self, key)
    def __setitem__(self, key: Any, value: TensorLike) -> None: ops.setitem(self, key, value)
    def index_put_(self, indices: tuple[Tensor, ...], values: TensorLike, accumulate: bool = False) -> Tensor:
        return ops.index_put_(self, indices, values, accumulate)
    def index_put(self, indices: tuple[Tensor, ...], values: TensorLike, accumulate: bool = False) -> Tensor:
        return ops.index_put(self, indices, values, accumulate)

    # named arithmetic
    add = ops.add
    sub = ops.sub
    mul = ops.mul
    div = ops.div
    def pow(self, exponent: TensorLike) -> Tensor: return ops.pow(self, exponent)
    def neg(self) -> Tensor: return ops.neg(self)
    def remainder(self, other: TensorLike) -> Tensor: return ops.remainder(self, other)
    def floor_divide(self, other: TensorLike) -> Tensor: return ops.floor_divide(self, other)
    def maximum(self, other: Tensor) -> Tensor: return ops.maximum(self, other)
    def minimum(self, other: Tensor) -> Tensor: return ops.minimum(self, other)
    def clamp(self, min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> Tensor:
        return ops.clamp(self, min, max)
    def clip(self, min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> Tensor:
        return ops.clamp(self, min, max)
    def where(self, condition: Tensor, other: TensorLike) -> Tensor: return ops.where(condition, self, other)

    # unary math
    def exp(self) -> Tensor: return ops.exp(self)
    def log(self) -> Tensor: return ops.log(self)
    def log1p(self) -> Tensor: return ops.log1p(self)
    def expm1(self) -> Tensor: return ops.expm1(self)
    def log2(self) -> Tensor: return ops.log2(self)
    def log10(self) -> Tensor: return ops.log10(self)
    def sqrt(self) -> Tensor: return ops.sqrt(self)
    def rsqrt(self) -> Tensor: return ops.rsqrt(self)
    def sin(self) -> Tensor: return ops.sin(self)
    def cos(self) -> Tensor: return ops.cos(self)
    def tan(self) -> Tensor: return ops.tan(self)
    def tanh(self) -> Tensor: return ops.tanh(self)
    def sigmoid(self) -> Tensor: return ops.sigmoid(self)
    def relu(self) -> Tensor: return ops.relu(self)
    def erf(self) -> Tensor: return ops.erf(self)
    def abs(self) -> Tensor: return ops.abs(self)
    def sign(self) -> Tensor: return ops.sign(self)
    def floor(self) -> Tensor: return ops.floor(self)
    def ceil(self) -> Tensor: return ops.ceil(self)
    def trunc(self) -> Tensor: return ops.trunc(self)
    def reciprocal(self) -> Tensor: return ops.reciprocal(self)

    # reductions; max and min give (values, indices) along an int dim, a tensor over all or against a tensor
    sum = ops.sum
    mean = ops.mean
    def prod(self, dim: Optional[int] = None, keepdim: bool = False, *, dtype: Optional[_dtype.dtype] = None) -> Tensor:
        return ops.prod(self, dim, keepdim, dtype=dtype)
    @overload
    def max(self, dim: Optional[Tensor] = None, keepdim: bool = False) -> Tensor: ...
    @overload
    def max(self, dim: int, keepdim: bool = False) -> ValuesIndices: ...
    def max(self, dim: Any = None, keepdim: bool = False) -> Any: return ops.max(self, dim, keepdim)
    @overload
    def min(self, dim: Optional[Tensor] = None, keepdim: bool = False) -> Tensor: ...
    @overload
    def min(self, dim: int, keepdim: bool = False) -> ValuesIndices: ...
    def min(self, dim: Any = None, keepdim: bool = False) -> Any: return ops.min(self, dim, keepdim)
    def amax(self, dim: Dim = (), keepdim: bool = False) -> Tensor: return ops.amax(self, dim, keepdim)
    def amin(self, dim: Dim = (), keepdim: bool = False) -> Tensor: return ops.amin(self, dim, keepdim)
    def argmax(self, dim: Optional[int] = None, keepdim: bool = False) -> Tensor: return ops.argmax(self, dim, keepdim)
    def argmin(self, dim: Optional[int] = None, keepdim: bool = False) -> Tensor: return ops.argmin(self, dim, keepdim)
    def var(
        self, dim: Dim = None, unbiased: Optional[bool] = None, keepdim: bool = False, *, correction: Optional[float] = None
    ) -> Tensor:
        return ops.var(self, dim, unbiased, keepdim, correction=correction)
    def std(
        self, dim: Dim = None, unbiased: Optional[bool] = None, keepdim: bool = False, *, correction: Optional[float] = None
    ) -> Tensor:
        return ops.std(self, dim, unbiased, keepdim, correction=correction)
    def norm(self, p: Union[float, str] = "fro", dim: Dim = None, keepdim: bool = False) -> Tensor:
        return ops.norm(self, p, dim, keepdim)
    def logsumexp(self, dim: Dim, keepdim: bool = False) -> Tensor: return ops.logsumexp(self, dim, keepdim)
    def softmax(self, dim: int, dtype: Optional[_dtype.dtype] = None) -> Tensor: return ops.softmax(self, dim, dtype)
    def log_softmax(self, dim: int, dtype: Optional[_dtype.dtype] = None) -> Tensor:
        return ops.log_softmax(self, dim, dtype)
    def cumsum(self, dim: int, *, dtype: Optional[_dtype.dtype] = None) -> Tensor:
        return ops.cumsum(self, dim, dtype=dtype)
    def cumprod(self, dim: int, *, dtype: Optional[_dtype.dtype] = None) -> Tensor:
        return ops.cumprod(self, dim, dtype=dtype)
    def all(self, dim: Optional[int] = None, keepdim: bool = False) -> Tensor: return ops.all(self, dim, keepdim)
    def any(self, dim: Optional[int] = None, keepdim: bool = False) -> Tensor: return ops.any(self, dim, keepdim)

    # comparisons by name
    def eq(self, other: TensorLike) -> Tensor: return ops.eq(self, other)
    def ne(self, other: TensorLike) -> Tensor: return ops.ne(self, other)
    def lt(self, other: TensorLike) -> Tensor: return ops.lt(self, other)
    def le(self, other: TensorLike) -> Tensor: return ops.le(self, other)
    def gt(self, other: TensorLike) -> Tensor: return ops.gt(self, other)
    def ge(self, other: TensorLike) -> Tensor: return ops.ge(self, other)
    def equal(self, other: Tensor) -> bool: return self._data.shape == other._data.shape and bool(ops.eq(self, other).all())
    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return ops.allclose(self, other, rtol, atol, equal_nan)
    def isnan(self) -> Tensor: return ops.isnan(self)
    def isinf(self) -> Tensor: return ops.isinf(self)
    def isfinite(self) -> Tensor: return ops.isfinite(self)
    def logical_not(self) -> Tensor: return ops.logical_not(self)
    def logical_and(self, other: TensorLike) -> Tensor: return ops.logical_and(self, other)
    def logical_or(self, other: TensorLike) -> Tensor: return ops.logical_or(self, other)
    def logical_xor(self, other: TensorLike) -> Tensor: return ops.logical_xor(self, other)
    def bitwise_not(self) -> Tensor: return ops.bitwise_not(self)

    # shape
    def reshape(self, *shape: Shape) -> Tensor: return ops.reshape(self, *shape)
    def view(self, *shape: Shape) -> Tensor: return ops.view(self, *shape)
    def view_as(self, other: Tensor) -> Tensor: return ops.reshape(self, other._data.shape)
    def reshape_as(self, other: Tensor) -> Tensor: return ops.reshape(self, other._data.shape)
    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor: return ops.flatten(self, start_dim, end_dim)
    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor: return ops.unflatten(self, dim, sizes)
    def squeeze(self, dim: Dim = None) -> Tensor: return ops.squeeze(self, dim)
    def unsqueeze(self, dim: int) -> Tensor: return ops.unsqueeze(self, dim)
    def permute(self, *dims: Shape) -> Tensor: return ops.permute(self, *dims)
    def transpose(self, dim0: int, dim1: int) -> Tensor: return ops.transpose(self, dim0, dim1)
    def t(self) -> Tensor: return ops.t(self)
    def expand(self, *sizes: Shape) -> Tensor: return ops.expand(self, *sizes)
    def expand_as(self, other: Tensor) -> Tensor: return ops.expand(self, other._data.shape)
    def broadcast_to(self, size: Shape) -> Tensor: return ops.broadcast_to(self, size)
    def movedim(self, source: Dim, destination: Dim) -> Tensor: return ops.movedim(self, source, destination)
    moveaxis = movedim
    def repeat(self, *sizes: Shape) -> Tensor: return ops.repeat(self, *sizes)
    def flip(self, *dims: Any, **dims_keyword: Shape) -> Tensor:
        """`x.flip(0, 1)`, `x.flip((0, 1))` or `x.flip(dims=(0, 1))`, as torch accepts them."""
        return ops.flip(self, *dims, **dims_keyword) if dims_keyword else ops.flip(self, dims[0] if len(dims) == 1 else dims)
    def roll(self, shifts: Shape, dims: Dim = None) -> Tensor: return ops.roll(self, shifts, dims)
    def tril(self, diagonal: int = 0) -> Tensor: return ops.tril(self, diagonal)
    def triu(self, diagonal: int = 0) -> Tensor: return ops.triu(self, diagonal)
    def pad(self, pad: Sequence[int], value: float = 0.0) -> Tensor: return ops.pad(self, pad, value=value)
    def split(self, split_size: Union[int, Sequence[int]], dim: int = 0) -> tuple[Tensor, ...]:
        return ops.split(self, split_size, dim)
    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]: return ops.chunk(self, chunks, dim)
    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]: return ops.unbind(self, dim)
    def narrow(self, dim: int, start: int, length: int) -> Tensor: return ops.narrow(self, dim, start, length)
    def select(self, dim: int, index: int) -> Tensor: return ops.select(self, dim, index)
    def clone(self) -> Tensor: return ops.clone(self)
    def contiguous(self) -> Tensor: return ops.contiguous(self)
    def is_contiguous(self) -> bool: return self._data.flags.c_contiguous

    @property
    def T(self) -> Tensor: return ops.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> Tensor: return ops.transpose(self, -2, -1)

    @property
    def mH(self) -> Tensor: return ops.transpose(self, -2, -1)  # the conjugate transpose: ember is real

    # indexing by name
    def index_select(self, dim: int, index: Tensor) -> Tensor: return ops.index_select(self, dim, index)
    def gather(self, dim: int, index: Tensor) -> Tensor: return ops.gather(self, dim, index)
    def scatter(
        self, dim: int, index: Tensor, src: Optional[Tensor] = None, *, value: Optional[Number] = None,
        reduce: Optional[str] = None,
    ) -> Tensor:
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)
    def scatter_add(self, dim: int, index: Tensor, src: Tensor) -> Tensor: return ops.scatter_add(self, dim, index, src)
    def scatter_(
        self, dim: int, index: Tensor, src: Optional[Tensor] = None, *, value: Optional[Number] = None,
        reduce: Optional[str] = None,
    ) -> Tensor:
        return ops.scatter_(self, dim, index, src, value=value, reduce=reduce)
    def scatter_add_(self, dim: int, index: Tensor, src: Tensor) -> Tensor: return ops.scatter_add_(self, dim, index, src)
    def scatter_reduce(self, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True) -> Tensor:
        return ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)
    def scatter_reduce_(self, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True) -> Tensor:
        return ops.scatter_reduce_(self, dim, index, src, reduce, include_self=include_self)
    def masked_fill(self, mask: Tensor, value: TensorLike) -> Tensor: return ops.masked_fill(self, mask, value)
    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:
        return ops.sort(self, dim, descending, stable)
    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return ops.argsort(self, dim, descending, stable)
    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
        return ops.topk(self, k, dim, largest, sorted)
    def nonzero(self, *, as_tuple: bool = False) -> Any: return ops.nonzero(self, as_tuple=as_tuple)

    # linear algebra
    matmul = ops.matmul
    def mm(self, other: Tensor) -> Tensor: return ops.mm(self, other)
    def mv(self, vec: Tensor) -> Tensor: return ops.mv(self, vec)
    def bmm(self, other: Tensor) -> Tensor: return ops.bmm(self, other)
    def dot(self, other: Tensor) -> Tensor: return ops.dot(self, other)
    def outer(self, other: Tensor) -> Tensor: return ops.outer(self, other)

    # in-place
    def add_(self, other: TensorLike, *, alpha: Number = 1) -> Tensor: return ops.add_(self, other, alpha=alpha)
    def sub_(self, other: TensorLike, *, alpha: Number = 1) -> Tensor: return ops.sub_(self, other, alpha=alpha)
    def mul_(self, other: TensorLike) -> Tensor: return ops.mul_(self, other)
    def div_(self, other: TensorLike, *, rounding_mode: Optional[str] = None) -> Tensor:
        return ops.div_(self, other, rounding_mode=rounding_mode)
    def pow_(self, exponent: TensorLike) -> Tensor: return ops.pow_(self, exponent)
    def clamp_(self, min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> Tensor:
        return ops.clamp_(self, min, max)
    def zero_(self) -> Tensor: return _storage.zero_(self)
    def fill_(self, value: TensorLike) -> Tensor: return ops.fill_(self, value)
    def copy_(self, src: Tensor) -> Tensor: return ops.copy_(self, src)
    def masked_fill_(self, mask: Tensor, value: TensorLike) -> Tensor: return ops.masked_fill_(self, mask, value)
    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Optional[Generator] = None) -> Tensor:
        return ops.uniform_(self, a, b, generator=generator)
    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Optional[Generator] = None) -> Tensor:
        return ops.normal_(self, mean, std, generator=generator)
    def multinomial(self, num_samples: int, replacement: bool = False, *, generator: Optional[Generator] = None) -> Tensor:
        from ._sampling import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)
    def exp_(self) -> Tensor: return ops.exp_(self)
    def relu_(self) -> Tensor: return ops.relu_(self)
    def tanh_(self) -> Tensor: return ops.tanh_(self)
    def sigmoid_(self) -> Tensor: return ops.sigmoid_(self)

    # new tensors like this one
    def new_zeros(self, *size: Shape, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return ops.full(_size(size), 0, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    def new_ones(self, *size: Shape, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return ops.full(_size(size), 1, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    def new_full(
        self, size: Shape, fill_value: Number, *, dtype: Optional[_dtype.dtype] = None, device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        return ops.full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    def new_empty(self, *size: Shape, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return ops.full(_size(size), 0, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    def new_tensor(
        self, data: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False
    ) -> Tensor:
        return ops.tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def _comparable(other: Any) -> bool:
    """== and != against None or other objects fall back to identity, as in torch."""
    return isinstance(other, (TensorMethods, int, float, bool, np.ndarray, np.generic))


def _size(size: tuple) -> Any:
    return size[0] if len(size) == 1 and not isinstance(size[0], int) else size
