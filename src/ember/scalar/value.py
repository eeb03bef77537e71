"""`Value`: a scalar that remembers how it was computed, and backpropagates through that graph.

Each operation computes its result and, right there, its local derivatives d(out)/d(input),
stored on the output node. `backward()` then needs only one rule, the chain rule:
d(root)/d(input) += d(out)/d(input) * d(root)/d(out), applied to the nodes in reverse
topological order. A local derivative of None means no gradient flows along that edge at all:
torch masks relu below 0 and x**0 this way, so an inf or nan from above gives 0 there, not nan.
The order is built with an explicit stack, so a graph of any depth works.

Gradients follow torch: leaves that require grad accumulate into `.grad` across calls;
intermediate nodes hold the gradient of the latest backward pass (never doubled); domain errors
give nan or inf as IEEE arithmetic does, never an exception.
"""

from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Union

import numpy as np

Number = Union[int, float]
Operand = Union["Value", int, float]
Local = Optional[float]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector. A Value graph has no cycles, yet on a graph of millions
    of nodes the collector's scans cost as much as backward itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _real(x: object, what: str) -> float:
    """float(x) for a real number, else a TypeError (float() alone would also parse "1.5")."""
    if not isinstance(x, (str, bytes)):
        try:
            return float(x)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{what} expects a Value or a real number, got {type(x).__name__}")


def _ieee(fn: Callable, *args: float) -> float:
    """Evaluate with NumPy's IEEE semantics (inf, nan) where Python's math would raise."""
    with np.errstate(all="ignore"):
        return float(fn(*(np.float64(a) for a in args)))


def _div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        return _ieee(np.divide, a, b)


def _pow(x: float, p: float) -> float:
    try:
        result = x**p
    except (ZeroDivisionError, OverflowError):
        return _ieee(np.power, x, p)
    return result if type(result) is float else _ieee(np.power, x, p)  # complex for x<0


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x: float) -> float:
    return math.log(x) if x > 0 else _ieee(np.log, x)


def _tanh(x: float) -> tuple[float, float]:
    """tanh x and its derivative 1 - tanh^2 x, as (1 - t)(1 + t): rounded like torch's fused
    multiply-add 1 - t*t, where rounding t*t first would cancel near |t| = 1."""
    t = math.tanh(x)
    return t, (1.0 - t) * (1.0 + t)


def _sigmoid(x: float) -> tuple[float, float]:
    """s(x) = 1 / (1 + e^-x) and its derivative s(x) (1 - s(x)).

    The same formula as torch's, so the same rounding: below x = -709.78, e^-x overflows to inf
    and s(x) is 0, as in torch.
    """
    s = 1.0 / (1.0 + _exp(-x))
    return s, s * (1.0 - s)


def _relu(x: float) -> tuple[float, Local]:
    """max(0, x) and its derivative: 1 for x > 0 (and for nan), none for x <= 0, as torch.

    torch keeps x where x >= 0, so relu(-0.0) is -0.0, and masks the gradient where x <= 0.
    """
    return (0.0 if x < 0 else x), (None if x <= 0 else 1.0)


def _sign(x: float) -> float:
    """1, -1, or 0 for 0 and nan: torch's sign, so abs'(0) = abs'(nan) = 0."""
    return float((x > 0) - (x < 0))


class Value:
    """A scalar in an autograd graph: `data`, `grad`, and how it was made (`op`, its inputs).

    >>> a, b = Value(-4.0), Value(2.0)
    >>> c = a * b + b**3
    >>> c.backward()
    >>> a.grad, b.grad
    (2.0, 8.0)
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "op", "_prev", "_local", "__weakref__")

    def __init__(self, data: Number, requires_grad: bool = True, name: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value(data) expects a number, got a Value; use it directly")
        self.data = _real(data, "Value(data)")
        self.grad = 0.0
        self.requires_grad = bool(requires_grad)
        self.name = name
        self.op = ""
        self._prev: tuple[Value, ...] = ()
        self._local: tuple[Local, ...] = ()

    @classmethod
    def _node(cls, data: float, children: tuple, local: tuple, op: str, requires_grad: bool) -> Value:
        """Build a result node without __init__'s checks: `local[i]` = d(data)/d(children[i]),
        or None where no gradient flows."""
        out = cls.__new__(cls)
        out.data = data
        out.grad = 0.0
        out.requires_grad = requires_grad
        out.name = ""
        out.op = op
        out._prev = children
        out._local = local
        return out

    @classmethod
    def _unary(cls, x: Value, data: float, local: Local, op: str) -> Value:
        return cls._node(data, (x,), (local,), op, x.requires_grad)

    @classmethod
    def _binary(cls, a: Value, b: Value, data: float, da: Local, db: float, op: str) -> Value:
        return cls._node(data, (a, b), (da, db), op, a.requires_grad or b.requires_grad)

    @classmethod
    def _lift(cls, x: Operand) -> Value:
        """Numbers enter the graph as constants that need no gradient."""
        if isinstance(x, Value):
            return x
        return cls._node(_real(x, "Value arithmetic"), (), (), "", False)

    # binary operators: value and d/d(each input)
    def __add__(self, other: Operand) -> Value:
        """a + b; d/da = 1, d/db = 1."""
        other = self._lift(other)
        return self._binary(self, other, self.data + other.data, 1.0, 1.0, "+")

    def __sub__(self, other: Operand) -> Value:
        """a - b; d/da = 1, d/db = -1."""
        other = self._lift(other)
        return self._binary(self, other, self.data - other.data, 1.0, -1.0, "-")

    def __mul__(self, other: Operand) -> Value:
        """a * b; d/da = b, d/db = a."""
        other = self._lift(other)
        return self._binary(self, other, self.data * other.data, other.data, self.data, "*")

    def __truediv__(self, other: Operand) -> Value:
        """a / b; d/da = 1/b, d/db = -a/b^2, taken as -(a/b)/b so that b^2 cannot underflow."""
        other = self._lift(other)
        b = other.data
        out = _div(self.data, b)
        return self._binary(self, other, out, _div(1.0, b), _div(-out, b), "/")

    def __pow__(self, other: Operand) -> Value:
        """x ** p for a number p: d/dx = p x^(p-1).  a ** b for a Value b: also d/db = a^b ln a.

        x ** 0 is 1 whatever x is, so no gradient flows to x there (torch masks it).
        """
        x = self.data
        if not isinstance(other, Value):
            p = _real(other, "Value ** exponent")
            local = None if p == 0 else p * _pow(x, p - 1)
            return self._unary(self, _pow(x, p), local, f"**{other}")
        p = other.data
        out = _pow(x, p)
        dx = None if p == 0 else p * _pow(x, p - 1)
        dp = 0.0 if (x == 0 and p >= 0) else out * _log(x)  # torch's rule at the base 0
        return self._binary(self, other, out, dx, dp, "**")

    def __radd__(self, other: Number) -> Value:
        return self._lift(other) + self

    def __rsub__(self, other: Number) -> Value:
        return self._lift(other) - self

    def __rmul__(self, other: Number) -> Value:
        return self._lift(other) * self

    def __rtruediv__(self, other: Number) -> Value:
        return self._lift(other) / self

    def __rpow__(self, other: Number) -> Value:
        return self._lift(other) ** self

    def __neg__(self) -> Value:
        """-x; d/dx = -1."""
        return self._unary(self, -self.data, -1.0, "neg")

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return self.abs()

    # unary functions
    def exp(self) -> Value:
        """e^x; d/dx = e^x."""
        e = _exp(self.data)
        return self._unary(self, e, e, "exp")

    def log(self) -> Value:
        """ln x; d/dx = 1/x (torch's formula everywhere: ln(-2) is nan, its slope -0.5)."""
        x = self.data
        return self._unary(self, _log(x), _div(1.0, x), "log")

    def sqrt(self) -> Value:
        """sqrt x; d/dx = 1 / (2 sqrt x)."""
        s = math.sqrt(self.data) if self.data >= 0 else math.nan
        return self._unary(self, s, _div(0.5, s), "sqrt")

    def tanh(self) -> Value:
        """tanh x; d/dx = 1 - tanh^2 x."""
        t, d = _tanh(self.data)
        return self._unary(self, t, d, "tanh")

    def sigmoid(self) -> Value:
        """s(x) = 1 / (1 + e^-x); d/dx = s(x) (1 - s(x))."""
        s, d = _sigmoid(self.data)
        return self._unary(self, s, d, "sigmoid")

    def relu(self) -> Value:
        """max(0, x); d/dx = 1 for x > 0; for x <= 0 no gradient flows (0, as torch, even at 0)."""
        r, d = _relu(self.data)
        return self._unary(self, r, d, "ReLU")

    def abs(self) -> Value:
        """|x|; d/dx = sign(x), 0 at 0."""
        x = self.data
        return self._unary(self, abs(x), _sign(x), "abs")

    # autograd
    @property
    def is_leaf(self) -> bool:
        """True for values made by the user rather than by an operation."""
        return not self._prev

    @property
    def _op(self) -> str:
        """micrograd's name for `op`, so its drawing code keeps working."""
        return self.op

    def _topo(self) -> list[Value]:
        """Non-leaf nodes that need a gradient, each after all of its inputs (iterative DFS)."""
        order: list[Value] = []
        seen = {self}
        stack: list[tuple[Value, Iterator[Value]]] = [(self, iter(self._prev))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child._prev and child.requires_grad and child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    def backward(self, gradient: float = 1.0) -> None:
        """Fill in d(self)/d(node) for every node that self depends on.

        Leaves accumulate (`+=`), so call `zero_grad()` between steps; intermediate nodes get the
        gradient of this pass. The graph is kept, so backward may be called again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "no input of this Value has requires_grad=True"
            )
        if not self._prev:
            self.grad += gradient
            return
        with _gc_paused():
            order = self._topo()
            for node in order:
                node.grad = 0.0
            self.grad = float(gradient)
            for node in reversed(order):
                g = node.grad
                for child, d in zip(node._prev, node._local):
                    if child.requires_grad and d is not None:
                        child.grad += d * g

    def zero_grad(self) -> None:
        """Set `grad` to 0 on this value and every value it was computed from."""
        seen = {self}
        stack = [self]
        while stack:
            node = stack.pop()
            node.grad = 0.0
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)

    def item(self) -> float:
        return self.data

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    def __str__(self) -> str:
        return f"data: {self.data:8.4f}, grad: {self.grad:8.4f}, name:{self.name}, op:{self.op}"
