"""The least a Python autograd engine can do for W5: a yardstick, not a library.

One node object per op holding its inputs' nodes and what its backward needs, one tensor object
per result, and a backward that pops nodes newest first from a heap and adds each leaf's
gradient into its `.grad`. Nothing else: no dtype promotion, broadcasting rules, grad mode,
hooks, version counters, retain_graph checks, create_graph, error messages or multi-output
nodes. It measures how far above the NumPy floor any engine built of Python objects starts,
before it does what ember (or torch) does.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Optional

import numpy as np

_order = itertools.count()


class Node:
    __slots__ = ("inputs", "seq", "saved")

    def __init__(self, inputs: tuple, saved: Any = None) -> None:
        self.inputs, self.saved, self.seq = inputs, saved, next(_order)


class MulNode(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple:
        a, b = self.saved
        return g * b, g * a


class AddNode(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple:
        return g, g


class SumNode(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple:
        out = np.empty(self.saved, g.dtype)
        out[...] = g
        return (out,)


class Leaf(Node):
    __slots__ = ("tensor",)


def tensor(data: Any, requires_grad: bool = False) -> Tensor:
    """A leaf (every tensor here takes part in backward: `requires_grad` is accepted and ignored)."""
    return Tensor(np.array(data))


class Tensor:
    __slots__ = ("data", "node", "grad")

    def __init__(self, data: np.ndarray, node: Optional[Node] = None) -> None:
        self.data, self.node, self.grad = data, node, None

    def item(self) -> float:
        return self.data.item()

    def _edge(self) -> Node:
        if self.node is None:
            self.node = Leaf(())
            self.node.tensor = self
        return self.node

    def __mul__(self, other: Tensor) -> Tensor:
        node = MulNode((self._edge(), other._edge()), (self.data, other.data))
        return Tensor(self.data * other.data, node)

    def __add__(self, other: Tensor) -> Tensor:
        return Tensor(self.data + other.data, AddNode((self._edge(), other._edge())))

    def sum(self) -> Tensor:
        return Tensor(np.add.reduce(self.data, None), SumNode((self._edge(),), self.data.shape))

    def backward(self) -> None:
        heap = [(-self.node.seq, self.node)]
        grads = {self.node: np.ones_like(self.data)}
        while heap:
            node = heapq.heappop(heap)[1]
            g = grads.pop(node)
            if type(node) is Leaf:
                t = node.tensor
                if t.grad is None:
                    t.grad = g.copy()
                else:
                    t.grad += g
                continue
            for nxt, gi in zip(node.inputs, node.backward(g)):
                if nxt in grads:
                    grads[nxt] = grads[nxt] + gi
                else:
                    grads[nxt] = gi
                    heapq.heappush(heap, (-nxt.seq, nxt))
