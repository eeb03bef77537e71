"""The Tensor's operators and methods: each is one line that calls the op in `ember.ops`, where
the op, its docstring and its gradient live. Torch's names and argument orders throughout."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops


class TensorMethods:
    """Mixed into Tensor: the operator protocol and torch's tensor methods."""

    __slots__ = ()

    # arithmetic operators; the hottest are the ops themselves (a call less on every use)
    __add__ = ops.add
    def __radd__(self, other): return ops.add(other, self)
    __sub__ = ops.sub
    def __rsub__(self, other): return ops.sub(other, self)
    __mul__ = ops.mul
    def __rmul__(self, other): return ops.mul(other, self)
    __truediv__ = ops.div
    def __rtruediv__(self, other): return ops.div(other, self)
    def __floordiv__(self, other): return ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return ops.floor_divide(other, self)
    def __mod__(self, other): return ops.remainder(self, other)
    def __rmod__(self, other): return ops.remainder(other, self)
    def __pow__(self, other): return ops.pow(self, other)
    def __rpow__(self, other): return ops.pow(other, self)
    __matmul__ = ops.matmul
    def __rmatmul__(self, other): return ops.matmul(other, self)
    __neg__ = ops.neg
    def __pos__(self): return self
    def __abs__(self): return ops.abs(self)
    def __invert__(self): return ops.invert(self)

    # in-place operators
    def __iadd__(self, other): return ops.add_(self, other)
    def __isub__(self, other): return ops.sub_(self, other)
    def __imul__(self, other): return ops.mul_(self, other)
    def __itruediv__(self, other): return ops.div_(self, other)

    # comparisons and logic (bool results, no graph)
    def __eq__(self, other): return ops.eq(self, other) if _comparable(other) else NotImplemented  # type: ignore[override]
    def __ne__(self, other): return ops.ne(self, other) if _comparable(other) else NotImplemented  # type: ignore[override]
    def __lt__(self, other): return ops.lt(self, other)
    def __le__(self, other): return ops.le(self, other)
    def __gt__(self, other): return ops.gt(self, other)
    def __ge__(self, other): return ops.ge(self, other)
    def __and__(self, other): return ops.bitwise_and(self, other)
    def __rand__(self, other): return ops.bitwise_and(self, other)
    def __or__(self, other): return ops.bitwise_or(self, other)
    def __ror__(self, other): return ops.bitwise_or(self, other)
    def __xor__(self, other): return ops.bitwise_xor(self, other)
    def __rxor__(self, other): return ops.bitwise_xor(self, other)

    # indexing
    def __getitem__(self, key): return ops.getitem(self, key)
    def __setitem__(self, key, value): ops.setitem(self, key, value)

    # named arithmetic
    add = ops.add
    sub = ops.sub
    mul = ops.mul
    div = ops.div
    def pow(self, exponent): return ops.pow(self, exponent)
    def neg(self): return ops.neg(self)
    def remainder(self, other): return ops.remainder(self, other)
    def floor_divide(self, other): return ops.floor_divide(self, other)
    def maximum(self, other): return ops.maximum(self, other)
    def minimum(self, other): return ops.minimum(self, other)
    def clamp(self, min=None, max=None): return ops.clamp(self, min, max)
    def clip(self, min=None, max=None): return ops.clamp(self, min, max)
    def where(self, condition, other): return ops.where(condition, self, other)
    def lerp(self, end, weight): return ops.add(self, ops.mul(weight, ops.sub(end, self)))

    # unary math
    def exp(self): return ops.exp(self)
    def log(self): return ops.log(self)
    def log1p(self): return ops.log1p(self)
    def expm1(self): return ops.expm1(self)
    def log2(self): return ops.log2(self)
    def log10(self): return ops.log10(self)
    def sqrt(self): return ops.sqrt(self)
    def rsqrt(self): return ops.rsqrt(self)
    def square(self): return ops.mul(self, self)
    def sin(self): return ops.sin(self)
    def cos(self): return ops.cos(self)
    def tan(self): return ops.tan(self)
    def tanh(self): return ops.tanh(self)
    def sigmoid(self): return ops.sigmoid(self)
    def relu(self): return ops.relu(self)
    def erf(self): return ops.erf(self)
    def abs(self): return ops.abs(self)
    def sign(self): return ops.sign(self)
    def floor(self): return ops.floor(self)
    def ceil(self): return ops.ceil(self)
    def round(self): return ops.round(self)
    def trunc(self): return ops.trunc(self)
    def reciprocal(self): return ops.div(1.0, self)

    # reductions
    sum = ops.sum
    mean = ops.mean
    def prod(self, dim=None, keepdim=False): return ops.prod(self, dim, keepdim)
    def max(self, dim=None, keepdim=False): return ops.max(self, dim, keepdim)
    def min(self, dim=None, keepdim=False): return ops.min(self, dim, keepdim)
    def amax(self, dim=(), keepdim=False): return ops.amax(self, dim, keepdim)
    def amin(self, dim=(), keepdim=False): return ops.amin(self, dim, keepdim)
    def argmax(self, dim=None, keepdim=False): return ops.argmax(self, dim, keepdim)
    def argmin(self, dim=None, keepdim=False): return ops.argmin(self, dim, keepdim)
    def var(self, dim=None, *, correction=1, keepdim=False, unbiased=None): return ops.var(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)
    def std(self, dim=None, *, correction=1, keepdim=False, unbiased=None): return ops.std(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)
    def norm(self, p="fro", dim=None, keepdim=False): return ops.norm(self, p, dim, keepdim)
    def logsumexp(self, dim, keepdim=False): return ops.logsumexp(self, dim, keepdim)
    def softmax(self, dim, dtype=None): return ops.softmax(self, dim, dtype)
    def log_softmax(self, dim, dtype=None): return ops.log_softmax(self, dim, dtype)
    def cumsum(self, dim, *, dtype=None): return ops.cumsum(self, dim, dtype=dtype)
    def all(self, dim=None, keepdim=False): return ops.all(self, dim, keepdim)
    def any(self, dim=None, keepdim=False): return ops.any(self, dim, keepdim)

    # comparisons by name
    def eq(self, other): return ops.eq(self, other)
    def ne(self, other): return ops.ne(self, other)
    def lt(self, other): return ops.lt(self, other)
    def le(self, other): return ops.le(self, other)
    def gt(self, other): return ops.gt(self, other)
    def ge(self, other): return ops.ge(self, other)
    def equal(self, other): return self.shape == other.shape and bool(ops.eq(self, other).all())
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False): return ops.allclose(self, other, rtol, atol, equal_nan)
    def isnan(self): return ops.isnan(self)
    def isinf(self): return ops.isinf(self)
    def isfinite(self): return ops.isfinite(self)
    def logical_not(self): return ops.logical_not(self)
    def logical_and(self, other): return ops.logical_and(self, other)
    def logical_or(self, other): return ops.logical_or(self, other)
    def logical_xor(self, other): return ops.logical_xor(self, other)
    def bitwise_not(self): return ops.bitwise_not(self)

    # shape
    def reshape(self, *shape): return ops.reshape(self, *shape)
    def view(self, *shape): return ops.view(self, *shape)
    def view_as(self, other): return ops.reshape(self, other.shape)
    def reshape_as(self, other): return ops.reshape(self, other.shape)
    def flatten(self, start_dim=0, end_dim=-1): return ops.flatten(self, start_dim, end_dim)
    def unflatten(self, dim, sizes): return ops.unflatten(self, dim, sizes)
    def squeeze(self, dim=None): return ops.squeeze(self, dim)
    def unsqueeze(self, dim): return ops.unsqueeze(self, dim)
    def permute(self, *dims): return ops.permute(self, *dims)
    def transpose(self, dim0, dim1): return ops.transpose(self, dim0, dim1)
    def t(self): return ops.t(self)
    def expand(self, *sizes): return ops.expand(self, *sizes)
    def expand_as(self, other): return ops.expand(self, other.shape)
    def repeat(self, *sizes): return ops.repeat(self, *sizes)
    def flip(self, dims): return ops.flip(self, dims)
    def roll(self, shifts, dims=None): return ops.roll(self, shifts, dims)
    def tril(self, diagonal=0): return ops.tril(self, diagonal)
    def triu(self, diagonal=0): return ops.triu(self, diagonal)
    def pad(self, pad, value=0.0): return ops.pad(self, pad, value=value)
    def split(self, split_size, dim=0): return ops.split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return ops.chunk(self, chunks, dim)
    def unbind(self, dim=0): return ops.unbind(self, dim)
    def narrow(self, dim, start, length): return ops.narrow(self, dim, start, length)
    def select(self, dim, index): return ops.select(self, dim, index)
    def clone(self): return ops.clone(self)
    def contiguous(self): return ops.contiguous(self)
    def is_contiguous(self): return self._data.flags.c_contiguous

    @property
    def T(self): return ops.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self): return ops.transpose(self, -2, -1)

    # indexing by name
    def index_select(self, dim, index): return ops.index_select(self, dim, index)
    def gather(self, dim, index): return ops.gather(self, dim, index)
    def scatter(self, dim, index, src=None, *, value=None, reduce=None): return ops.scatter(self, dim, index, src, value=value, reduce=reduce)
    def scatter_add(self, dim, index, src): return ops.scatter_add(self, dim, index, src)
    def masked_fill(self, mask, value): return ops.masked_fill(self, mask, value)
    def sort(self, dim=-1, descending=False, stable=False): return ops.sort(self, dim, descending, stable)
    def argsort(self, dim=-1, descending=False, stable=False): return ops.argsort(self, dim, descending, stable)
    def topk(self, k, dim=-1, largest=True, sorted=True): return ops.topk(self, k, dim, largest, sorted)
    def nonzero(self): return ops.nonzero(self)

    # linear algebra
    matmul = ops.matmul
    def mm(self, other): return ops.mm(self, other)
    def bmm(self, other): return ops.bmm(self, other)
    def dot(self, other): return ops.dot(self, other)
    def outer(self, other): return ops.outer(self, other)

    # in-place
    def add_(self, other, *, alpha=1): return ops.add_(self, other, alpha=alpha)
    def sub_(self, other, *, alpha=1): return ops.sub_(self, other, alpha=alpha)
    def mul_(self, other): return ops.mul_(self, other)
    def div_(self, other): return ops.div_(self, other)
    def pow_(self, exponent): return ops.pow_(self, exponent)
    def clamp_(self, min=None, max=None): return ops.clamp_(self, min, max)
    def zero_(self): return ops.fill_(self, 0)
    def fill_(self, value): return ops.fill_(self, value)
    def copy_(self, src): return ops.copy_(self, src)
    def masked_fill_(self, mask, value): return ops.masked_fill_(self, mask, value)
    def uniform_(self, a=0.0, b=1.0, *, generator=None): return ops.uniform_(self, a, b, generator=generator)
    def normal_(self, mean=0.0, std=1.0, *, generator=None): return ops.normal_(self, mean, std, generator=generator)
    def exp_(self): return ops.exp_(self)
    def relu_(self): return ops.relu_(self)
    def tanh_(self): return ops.tanh_(self)
    def sigmoid_(self): return ops.sigmoid_(self)

    # new tensors like this one
    def new_zeros(self, *size, dtype=None, requires_grad=False): return ops.full(_size(size), 0, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_ones(self, *size, dtype=None, requires_grad=False): return ops.full(_size(size), 1, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_full(self, size, fill_value, *, dtype=None, requires_grad=False): return ops.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_empty(self, *size, dtype=None, requires_grad=False): return ops.full(_size(size), 0, dtype=dtype or self.dtype, requires_grad=requires_grad)
    def new_tensor(self, data, dtype=None, requires_grad=False): return ops.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _comparable(other: Any) -> bool:
    """== and != against None or other objects fall back to identity, as in torch."""
    return isinstance(other, (TensorMethods, int, float, bool, np.ndarray, np.generic))


def _size(size: tuple) -> Any:
    return size[0] if len(size) == 1 and not isinstance(size[0], int) else size
