"""In-place shape changes (t_, transpose_, squeeze_, unsqueeze_): the tensor itself becomes the
view the out-of-place op would return, and takes that op's node as its history, as in torch
(the version counter moves, and a leaf that requires grad refuses)."""

from __future__ import annotations

from typing import Any, Callable

from ._util import Dim
from .inplace import _check_leaf
from .shape import squeeze, t, transpose, unsqueeze


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
    return _restride(self, t)


def transpose_(self: Any, dim0: int, dim1: int) -> Any:
    return _restride(self, lambda x: transpose(x, dim0, dim1))


def squeeze_(self: Any, dim: Dim = None) -> Any:
    return _restride(self, lambda x: squeeze(x, dim))


def unsqueeze_(self: Any, dim: int) -> Any:
    return _restride(self, lambda x: unsqueeze(x, dim))
