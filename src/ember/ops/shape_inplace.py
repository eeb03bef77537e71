"""In-place shape changes (t_, transpose_, squeeze_, unsqueeze_): the tensor itself becomes the
view the out-of-place op would return, and takes that op's node as its history, as in torch
(the version counter moves, and a leaf that requires grad refuses)."""

from __future__ import annotations

from typing import Any, Callable

from ._util import Dim
from .inplace import _check_leaf
from .shape import Reshape, T, Transpose, _permute, _reshape, squeeze_fn, squeezed_shape, transpose, unsqueezed_shape


# torch numbers the in-place forms' nodes after the out-of-place ones' (TBackward1, ...)
class TInplace(T):
    backward_name = "TBackward1"


class TransposeInplace(Transpose):
    backward_name = "TransposeBackward1"


class SqueezeInplace(Reshape):
    backward_name = "SqueezeBackward3"


class SqueezeDimInplace(Reshape):
    backward_name = "SqueezeBackward4"


class SqueezeDimsInplace(Reshape):
    backward_name = "SqueezeBackward5"


class UnsqueezeInplace(Reshape):
    backward_name = "UnsqueezeBackward1"


def _restride(self: Any, op: Callable[[Any], Any]) -> Any:
    _check_leaf(self)
    out = op(self)
    self._data = out._data
    if out.grad_fn is not None:
        self.grad_fn, self._output_nr = out.grad_fn, out._output_nr
    if self._view is not None:
        base, take = self._view
        self._view = (base, lambda b: op(take(b))) if take is not None else self._view
    self._bump_version()
    return self


def t_(self: Any) -> Any:
    if self.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return _restride(self, lambda x: _permute(x, tuple(reversed(range(x.ndim))), TInplace))


def transpose_(self: Any, dim0: int, dim1: int) -> Any:
    return _restride(self, lambda x: transpose(x, dim0, dim1, TransposeInplace))


def squeeze_(self: Any, dim: Dim = None) -> Any:
    fn = squeeze_fn(dim, SqueezeInplace, SqueezeDimInplace, SqueezeDimsInplace)
    return _restride(self, lambda x: _reshape(x, squeezed_shape(x, dim), fn))


def unsqueeze_(self: Any, dim: int) -> Any:
    return _restride(self, lambda x: _reshape(x, unsqueezed_shape(x, dim), UnsqueezeInplace))
