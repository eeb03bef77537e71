"""`histogram` and `histogramdd`: counts (or summed weights) of samples in bins, as torch bins
them. A sample x lands in bin i when edges_i <= x < edges_(i+1), the last bin closed on the
right; samples outside [first edge, last edge] (and NaN) are not counted. Bins given as a count
span [min, max] of the samples (or `range`) evenly, by torch's `linspace`, a range of one point
widened by 1/2 on each side. No gradient (torch defines none)."""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

import numpy as np

from .. import _dtype, _tensor
from .._creation import linspace

if TYPE_CHECKING:
    from .._tensor import Tensor

histogram_result = namedtuple("histogram", ["hist", "bin_edges"])
histogramdd_result = namedtuple("histogramdd", ["hist", "bin_edges"])
Bins = Union[int, "Tensor", Sequence[int], Sequence["Tensor"]]


def _outer_edges(samples: np.ndarray, dim: int, range: Optional[Sequence[float]]) -> tuple[float, float]:
    """The first and last edge of dimension `dim`'s bins: `range`, or the samples' min and max."""
    if range is not None:
        low, high = float(range[2 * dim]), float(range[2 * dim + 1])
    elif samples.shape[0]:
        low, high = float(samples[:, dim].min()), float(samples[:, dim].max())
    else:
        low, high = 0.0, 1.0
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"torch.histogramdd: dimension {dim}'s range [{low:g}, {high:g}] is not finite")
    if low > high:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} for dimension {dim}")
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def _edges(name: str, samples: np.ndarray, bins: Sequence[Any], range: Optional[Sequence[float]], dtype: _dtype.dtype) -> list["Tensor"]:
    edges = []
    for dim, b in enumerate(bins):
        if isinstance(b, _tensor.Tensor):
            if b.dtype != dtype:
                raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input "
                                   f"with dtype {_dtype.torch_name(dtype)} and bins for dimension {dim} with dtype "
                                   f"{_dtype.torch_name(b.dtype)}")
            if b.ndim != 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {b.ndim} dimensions in "
                                   f"the bins tensor for dimension {dim}")
            if b.numel() == 0:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements for "
                                   f"dimension {dim}")
            edges.append(b.clone())
            continue
        if int(b) <= 0:
            raise RuntimeError(f"{name}(): bins must be > 0, but got {int(b)} for dimension {dim}")
        low, high = _outer_edges(samples, dim, range)
        edges.append(linspace(low, high, int(b) + 1, dtype=dtype))
    return edges


def _count(samples: np.ndarray, edges: list[np.ndarray], weight: Optional[np.ndarray], density: bool, dtype: np.dtype) -> np.ndarray:
    """The histogram of samples (N, D) over each dimension's edges."""
    shape = tuple(max(len(e) - 1, 0) for e in edges)
    inside = np.ones(samples.shape[0], bool)
    index = []
    for dim, e in enumerate(edges):
        x = samples[:, dim]
        inside &= (x >= e[0]) & (x <= e[-1])
        position = np.searchsorted(e, x, side="right") - 1
        index.append(np.clip(position, 0, max(len(e) - 2, 0)))  # the last edge closes the last bin
    flat = np.ravel_multi_index([i[inside] for i in index], shape) if samples.shape[0] and all(shape) else np.zeros(0, np.int64)
    w = None if weight is None else weight[inside]
    hist = np.bincount(flat, weights=w, minlength=int(np.prod(shape))).astype(dtype).reshape(shape)
    if density:
        hist = hist / dtype.type(hist.sum(dtype=np.float64))
        for dim, e in enumerate(edges):
            hist = hist / np.diff(e).reshape([-1 if d == dim else 1 for d in range(len(edges))])
    return hist.astype(dtype, copy=False)


def _histogramdd(name: str, samples: "Tensor", bins: Sequence[Any], range: Optional[Sequence[float]], weight: Optional["Tensor"],
                 density: bool, batch_shape: tuple[int, ...]) -> tuple["Tensor", list["Tensor"]]:
    dtype = samples.dtype
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"histogramdd" not implemented for \'{_dtype.torch_name(dtype)}\'')
    if weight is not None and (tuple(weight.shape) != batch_shape or weight.dtype != dtype):
        raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor "
                           f"excluding its innermost dimension, but got input with shape {list(batch_shape)} and weight with "
                           f"shape {list(weight.shape)}")
    data = samples._data.reshape(-1, samples.shape[-1])
    edges = _edges(name, data, bins, range, dtype)
    w = None if weight is None else weight._data.reshape(-1)
    hist = _count(data, [e._data for e in edges], w, density, data.dtype)
    return samples._make(hist, False, None), edges


def histogramdd(input: "Tensor", bins: Bins, *, range: Optional[Sequence[float]] = None, weight: Optional["Tensor"] = None,
                density: bool = False) -> histogramdd_result:
    """The D-dimensional histogram of input (..., D): `bins` one count for every dimension, a count
    per dimension, or one tensor of edges per dimension; `density` divides by the total and by
    each bin's volume, so the histogram integrates to 1."""
    if input.ndim < 2:
        raise RuntimeError(f"torch.histogramdd: input tensor should have at least 2 dimensions, but got {input.ndim}")
    d = input.shape[-1]
    per_dim = [bins] * d if isinstance(bins, (int, np.integer)) else list(bins)
    if len(per_dim) != d:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    hist, edges = _histogramdd("torch.histogramdd", input, per_dim, range, weight, density, tuple(input.shape[:-1]))
    return histogramdd_result(hist, tuple(edges))


def histogram(input: "Tensor", bins: Union[int, "Tensor"] = 100, *, range: Optional[Sequence[float]] = None,
              weight: Optional["Tensor"] = None, density: bool = False) -> histogram_result:
    """The histogram of input's elements: `bins` equal bins over [min, max] (or `range`), or a
    1-d tensor of edges; `weight` (input's shape) sums weights instead of counting; `density`
    makes it integrate to 1."""
    hist, (edges,) = _histogramdd("torch.histogram", input.reshape(-1, 1), [bins], range, weight, density, tuple(input.shape))
    return histogram_result(hist.reshape(-1), edges)
