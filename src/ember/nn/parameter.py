"""`nn.Parameter`: a tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from typing import Optional

from .._tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad (by default) and is found by `Module.parameters()`."""

    __slots__ = ()

    def __new__(cls, data: Optional[Tensor] = None, requires_grad: bool = True) -> Parameter:
        from .. import _creation

        source = data if data is not None else _creation.empty(0)
        p = cls._make(source._data, False, None)
        p.requires_grad_(requires_grad)
        return p

    def __init__(self, data: Optional[Tensor] = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> Parameter:
        copy = Parameter(Tensor._make(self._data.copy(), False, None), self.requires_grad)
        memo[id(self)] = copy
        return copy
