"""The least engine with a Function protocol: a yardstick, not a library.

ember defines every op as torch's `autograd.Function` is defined: a class with `forward(ctx, ...)`
and `backward(ctx, grad)` side by side, where `Op.apply(...)` runs forward on the inputs' arrays
and records a node that is also the `ctx` both methods see (`ctx.save_for_backward(...)`). This
file is that protocol over `w5_bare_engine.py` and nothing more: its Tensor, leaves and backward
loop are the bare engine's; only the ops go through one generic `apply`. Against the bare engine,
whose ops wire their nodes by hand, it measures what the protocol alone costs, before any of the
dtype rules, grad mode, hooks or in-place checks that ember (or torch) adds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import w5_bare_engine as bare


class FunctionNode(bare.Node):
    """The node one `apply` records, and the `ctx` its forward and backward see."""

    __slots__ = ("fn", "__dict__")

    def save_for_backward(self, *arrays: np.ndarray) -> None:
        self.saved = arrays

    def backward(self, g: np.ndarray) -> tuple:  # what the bare engine's loop calls
        return self.fn.backward(self, g)


class Function:
    """An op: subclass with static `forward(ctx, *arrays)` and `backward(ctx, grad)`, call `apply`."""

    @classmethod
    def apply(cls, *args: Tensor) -> Tensor:
        node = bare.Node.__new__(FunctionNode)
        node.fn, node.inputs, node.seq = cls, tuple([a._edge() for a in args]), next(bare._order)
        return Tensor(cls.forward(node, *[a.data for a in args]), node)


class Mul(Function):
    @staticmethod
    def forward(ctx: FunctionNode, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: FunctionNode, g: np.ndarray) -> tuple:
        a, b = ctx.saved
        return g * b, g * a


class Add(Function):
    @staticmethod
    def forward(ctx: FunctionNode, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    @staticmethod
    def backward(ctx: FunctionNode, g: np.ndarray) -> tuple:
        return g, g


class Sum(Function):
    @staticmethod
    def forward(ctx: FunctionNode, x: np.ndarray) -> np.ndarray:
        ctx.shape = x.shape
        return np.add.reduce(x, None)

    @staticmethod
    def backward(ctx: FunctionNode, g: np.ndarray) -> tuple:
        out = np.empty(ctx.shape, g.dtype)
        out[...] = g
        return (out,)


class Tensor(bare.Tensor):
    __slots__ = ()

    def __mul__(self, other: Tensor) -> Tensor:
        return Mul.apply(self, other)

    def __add__(self, other: Tensor) -> Tensor:
        return Add.apply(self, other)

    def sum(self) -> Tensor:
        return Sum.apply(self)


def tensor(data: Any, requires_grad: bool = False) -> Tensor:
    """A leaf (as in the bare engine, every tensor takes part in backward)."""
    return Tensor(np.array(data))
