"""The Tensor's shape, indexing and matrix-product methods added with torch's OpInfo data:
each is one line that calls its op in `ember.ops` (tile_repeat, diagonal, stacking, masked,
index_update, unique, matmul_add, shape_inplace), and the memory-layout queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

import numpy as np

from .ops import diagonal as _diag, index_update as _iu, masked as _masked, matmul_add as _mm
from .ops import shape_inplace as _si, stacking as _st, tile_repeat as _tr, unique as _uq
from . import _creation_layout as _layout
from .ops import broadcast_shape as _bs, hash as _hash, random_fill as _rf, real_complex as _rc
from .ops import view_copy as _vc
from .ops.dist import dist as _dist
from .ops import incomplete_gamma as _ig
from .ops.inplace import _inplace as _in_place
from .ops import splitting as _sp, storage_inplace as _sti

if TYPE_CHECKING:
    from ._tensor import Tensor
    from .ops._util import Dim

    Number = Union[float, int, bool]


class ShapeIndexMethods:
    """Mixed into TensorMethods."""

    __slots__ = ()

    if TYPE_CHECKING:
        _data: np.ndarray

    # shape
    def tile(self, *dims: Any) -> Tensor: return _tr.tile(self, dims[0] if len(dims) == 1 else dims)
    def ravel(self) -> Tensor: return _tr.ravel(self)
    def repeat_interleave(self, repeats: Any, dim: Optional[int] = None, *, output_size: Optional[int] = None) -> Tensor:
        return _tr.repeat_interleave(self, repeats, dim, output_size=output_size)
    def fliplr(self) -> Tensor: return _tr.fliplr(self)
    def flipud(self) -> Tensor: return _tr.flipud(self)
    def rot90(self, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor: return _tr.rot90(self, k, dims)
    def swapaxes(self, axis0: int, axis1: int) -> Tensor: return _tr.swapaxes(self, axis0, axis1)
    swapdims = swapaxes
    def unfold(self, dimension: int, size: int, step: int) -> Tensor: return _tr.unfold(self, dimension, size, step)
    def diag(self, diagonal: int = 0) -> Tensor: return _diag.diag(self, diagonal)
    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return _diag.diagonal(self, offset, dim1, dim2)
    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        return _diag.diag_embed(self, offset, dim1, dim2)
    def diagonal_scatter(self, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        return _diag.diagonal_scatter(self, src, offset, dim1, dim2)
    def trace(self) -> Tensor: return _diag.trace(self)
    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        return _st.tensor_split(self, indices_or_sections, dim)
    def hsplit(self, sections: Any) -> tuple[Tensor, ...]: return _st.hsplit(self, sections)
    def vsplit(self, sections: Any) -> tuple[Tensor, ...]: return _st.vsplit(self, sections)
    def dsplit(self, sections: Any) -> tuple[Tensor, ...]: return _st.dsplit(self, sections)
    def t_(self) -> Tensor: return _si.t_(self)
    def transpose_(self, dim0: int, dim1: int) -> Tensor: return _si.transpose_(self, dim0, dim1)
    def squeeze_(self, dim: Dim = None) -> Tensor: return _si.squeeze_(self, dim)
    def unsqueeze_(self, dim: int) -> Tensor: return _si.unsqueeze_(self, dim)

    def split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        return _sp.split_with_sizes(self, split_sizes, dim)
    def unsafe_split(self, split_size: int, dim: int = 0) -> tuple[Tensor, ...]: return _sp.unsafe_split(self, split_size, dim)
    def unsafe_chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]: return _sp.unsafe_chunk(self, chunks, dim)
    def sum_to_size(self, *size: Any) -> Tensor: return _bs.sum_to_size(self, *size)
    def diagflat(self, offset: int = 0) -> Tensor: return _diag.diagflat(self, offset)
    def resize_(self, *sizes: Any, memory_format: Any = None) -> Tensor: return _sti.resize_(self, *sizes)
    def resize_as_(self, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
        return _sti.resize_as_(self, the_template)

    def hash_tensor(self, dim: Any = (), *, keepdim: bool = False, mode: int = 0) -> Tensor:
        return _hash.hash_tensor(self, dim, keepdim=keepdim, mode=mode)

    def igamma(self, other: Tensor) -> Tensor: return _ig.igamma(self, other)
    def igammac(self, other: Tensor) -> Tensor: return _ig.igammac(self, other)
    def igamma_(self, other: Tensor) -> Tensor: return _in_place(self, _ig.igamma, other)
    def igammac_(self, other: Tensor) -> Tensor: return _in_place(self, _ig.igammac, other)
    def dist(self, other: Tensor, p: float = 2) -> Tensor: return _dist(self, other, p)
    def narrow_copy(self, dim: int, start: Any, length: int) -> Tensor: return _vc.narrow_copy(self, dim, start, length)

    # complex-number methods, as torch defines them for real tensors
    def conj(self) -> Tensor: return _rc.conj(self)
    def conj_physical(self) -> Tensor: return _rc.conj_physical(self)
    def conj_physical_(self) -> Tensor: return _rc.conj_physical_(self)
    def resolve_conj(self) -> Tensor: return _rc.resolve_conj(self)
    def resolve_neg(self) -> Tensor: return _rc.resolve_neg(self)
    @property
    def real(self) -> Tensor: return _rc.real(self)
    def angle(self) -> Tensor: return _rc.angle(self)
    @property
    def H(self) -> Tensor: return _rc.H(self)

    # random draws
    def bernoulli(self, p: Optional[float] = None, *, generator: Any = None) -> Tensor:
        return _rf.bernoulli(self, p, generator=generator)
    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Tensor: return _rf.bernoulli_(self, p, generator=generator)
    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Tensor:
        return _rf.cauchy_(self, median, sigma, generator=generator)
    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        return _rf.exponential_(self, lambd, generator=generator)
    def geometric_(self, p: float, *, generator: Any = None) -> Tensor: return _rf.geometric_(self, p, generator=generator)
    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Tensor:
        return _rf.log_normal_(self, mean, std, generator=generator)
    def new_empty_strided(
        self, size: Sequence[int], stride: Sequence[int], *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        return _layout.new_empty_strided(self, size, stride, dtype=dtype, device=device, requires_grad=requires_grad)

    # memory layout, in elements as torch counts
    def stride(self, dim: Optional[int] = None) -> Any:
        data = self._data
        if data.size or any(data.strides):
            strides = tuple(s // data.itemsize for s in data.strides)
        else:  # NumPy gives an empty array no strides; torch, the contiguous ones
            strides = _layout.contiguous_strides(data.shape)
        return strides if dim is None else strides[dim]
    def storage_offset(self) -> int:
        base, link = self._data, self._data.base
        while link is not None:  # as_strided views (diagonal, unfold) hold their base through a non-array
            if isinstance(link, np.ndarray):
                base = link
            link = getattr(link, "base", None)
        start = self._data.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        return start // self._data.itemsize
    def nelement(self) -> int: return int(self._data.size)
    @property
    def itemsize(self) -> int: return int(self._data.itemsize)
    @property
    def nbytes(self) -> int: return int(self._data.nbytes)

    # indexing
    def masked_select(self, mask: Tensor) -> Tensor: return _masked.masked_select(self, mask)
    def masked_scatter(self, mask: Tensor, source: Tensor) -> Tensor: return _masked.masked_scatter(self, mask, source)
    def masked_scatter_(self, mask: Tensor, source: Tensor) -> Tensor: return _masked.masked_scatter_(self, mask, source)
    def argwhere(self) -> Tensor: return _masked.argwhere(self)
    def take(self, index: Tensor) -> Tensor: return _masked.take(self, index)
    def take_along_dim(self, indices: Tensor, dim: Optional[int] = None) -> Tensor:
        return _masked.take_along_dim(self, indices, dim)
    def put(self, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
        return _masked.put(self, index, source, accumulate)
    def put_(self, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
        return _masked.put_(self, index, source, accumulate)
    def index_add(self, dim: int, index: Tensor, source: Tensor, *, alpha: Number = 1) -> Tensor:
        return _iu.index_add(self, dim, index, source, alpha=alpha)
    def index_add_(self, dim: int, index: Tensor, source: Tensor, *, alpha: Number = 1) -> Tensor:
        return _iu.index_add_(self, dim, index, source, alpha=alpha)
    def index_copy(self, dim: int, index: Tensor, source: Tensor) -> Tensor: return _iu.index_copy(self, dim, index, source)
    def index_copy_(self, dim: int, index: Tensor, source: Tensor) -> Tensor: return _iu.index_copy_(self, dim, index, source)
    def index_fill(self, dim: int, index: Tensor, value: Any) -> Tensor: return _iu.index_fill(self, dim, index, value)
    def index_fill_(self, dim: int, index: Tensor, value: Any) -> Tensor: return _iu.index_fill_(self, dim, index, value)
    def select_scatter(self, src: Tensor, dim: int, index: int) -> Tensor: return _iu.select_scatter(self, src, dim, index)
    def slice_scatter(
        self, src: Tensor, dim: int = 0, start: Optional[int] = None, end: Optional[int] = None, step: int = 1
    ) -> Tensor:
        return _iu.slice_scatter(self, src, dim, start, end, step)
    def unique(
        self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim: Optional[int] = None
    ) -> Any:
        return _uq.unique(self, sorted, return_inverse, return_counts, dim)
    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False, dim: Optional[int] = None) -> Any:
        return _uq.unique_consecutive(self, return_inverse, return_counts, dim)

    # matrix products: (input, a, b, *, beta, alpha), so the op itself is the method
    addmm, addmm_, addmv, addmv_, addr, addr_ = _mm.addmm, _mm.addmm_, _mm.addmv, _mm.addmv_, _mm.addr, _mm.addr_
    baddbmm, baddbmm_, addbmm, addbmm_ = _mm.baddbmm, _mm.baddbmm_, _mm.addbmm, _mm.addbmm_
    def vdot(self, other: Tensor) -> Tensor: return _mm.vdot(self, other)
    def inner(self, other: Tensor) -> Tensor: return _mm.inner(self, other)
    def ger(self, vec2: Tensor) -> Tensor: return _mm.ger(self, vec2)
    def kron(self, other: Tensor) -> Tensor: return _mm.kron(self, other)
    def cross(self, other: Tensor, dim: Optional[int] = None) -> Tensor: return _mm.cross(self, other, dim)
