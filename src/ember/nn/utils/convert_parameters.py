"""Flatten parameters into one vector and back (for optimizers and methods that work on vectors)."""

from __future__ import annotations

from typing import Iterable

from ... import ops
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-d tensor (differentiable).

    >>> vec = ember.nn.utils.parameters_to_vector([w, b])   # shape (w.numel() + b.numel(),)
    """
    return ops.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Make each parameter's data the next slice of `vec` (reshaped), in order. As in torch, the
    parameters then share memory with `vec`."""
    if not isinstance(vec, Tensor):
        cls = type(vec)
        name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        raise TypeError(f"expected ember.Tensor, but got: {name}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[offset:offset + n].view_as(p).data
        offset += n
