"""`TensorAdapter`: how the walk reads a Tensor's backward graph, drawn as torchviz's `make_dot`.

The backward graph of a tensor is its `grad_fn` and, from there, each node's `next_functions`.
A drawing holds three kinds of box, joined in the direction data flows:

    leaf (shape) -> AccumulateGrad -> MulBackward0 -> ... -> SumBackward0 -> output (shape)

- every `grad_fn` node is a grey box (kind "fn") named as torch names it
  (`type(node).__name__`: `MulBackward0`, `AccumulateGrad`...), drawn once however many
  inputs share it;
- the leaf tensor behind an `AccumulateGrad` (its `.variable`) is a value box with its shape,
  named after it when the caller passes `params=dict(model.named_parameters())`;
- the output tensor is a value box with its shape.

Inputs that need no gradient have no node in the backward graph (`next_functions` holds None for
them), so they are not drawn, as in torchviz. Intermediate tensors are not graph nodes either.
"""

from __future__ import annotations

from typing import Hashable, Optional, Union

import numpy as np

from .._tensor import Tensor
from ..autograd.function import AccumulateGrad, Node
from .graph import NodeInfo, register_adapter

GraphNode = Union[Tensor, Node]


def size_to_str(shape: tuple[int, ...]) -> str:
    """A shape as torchviz prints it: `(2, 3)`, `(3)`, `()`."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _array_text(label: str, tensor: Optional[Tensor]) -> str:
    """`data [1.0000, -2.5000]`: four decimals, like a Value's box; `grad None` for no tensor."""
    if tensor is None:
        return f"{label} None"
    array = tensor.detach().numpy()
    text = np.array2string(array, precision=4, floatmode="fixed", separator=", ")
    return f"{label} {text}"


class TensorAdapter:
    """`GraphAdapter` for the tensor engine: a tensor's child is its `grad_fn`, a node's children
    are its `next_functions` (None entries skipped; a repeated input repeats), and an
    `AccumulateGrad`'s child is its leaf tensor.

    A tensor's box reads `name | (shape)`, the name empty unless the walk is given one (see
    `walk(params=...)`). With `show_data=True`, tensors of at most `max_numel` elements also show
    `data [...]` and, where torch fills `.grad` (leaves, and tensors that `retain_grad()`),
    `grad [...]` (`grad None` before backward), four decimals.

    >>> import ember
    >>> from ember.viz import to_dot
    >>> x = ember.ones(2, requires_grad=True)
    >>> "AccumulateGrad" in to_dot((x * 3).sum(), adapter=TensorAdapter(show_data=True))
    True
    """

    def __init__(self, show_data: bool = False, max_numel: int = 16) -> None:
        self.show_data = show_data
        self.max_numel = max_numel

    def key(self, node: GraphNode) -> Hashable:
        return id(node)

    def children(self, node: GraphNode) -> list[GraphNode]:
        if isinstance(node, Tensor):
            return [node.grad_fn] if node.grad_fn is not None else []
        inputs = [n for n, _ in node.next_functions if n is not None]
        if type(node) is AccumulateGrad:
            leaf = node.variable
            if leaf is not None:
                inputs.append(leaf)
        return inputs

    def describe(self, node: GraphNode) -> NodeInfo:
        if not isinstance(node, Tensor):
            return NodeInfo("fn", (type(node).__name__,))
        fields = ("", size_to_str(node.shape))
        if self.show_data and node.numel() <= self.max_numel:
            fields += (_array_text("data", node),)
            if node.is_leaf or node.retains_grad:
                fields += (_array_text("grad", node.grad),)
        return NodeInfo("value", fields, not node.requires_grad)


register_adapter(Tensor, TensorAdapter())
