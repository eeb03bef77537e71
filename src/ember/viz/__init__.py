"""Draw autograd graphs: `to_dot` (DOT text), `draw_dot` (a graphviz.Digraph), `render` (an
image file), `draw_html` (a standalone page), all built on one engine-agnostic `walk`. They draw
`ember.Value` graphs in micrograd's look and `ember.Tensor` graphs as torchviz's `make_dot` does
(`draw_dot(loss, params=dict(model.named_parameters()))`).

Importing ember.viz needs no Graphviz: the `graphviz` package is imported when first used.

>>> from ember import Value
>>> from ember.viz import to_dot
>>> a, b = Value(2.0, name="a"), Value(-3.0, name="b")
>>> "a | data 2.0000 | grad 0.0000" in to_dot(a * b)
True
"""

from .dot import DotNotFoundError, draw_dot, render, to_dot
from .graph import Graph, GraphAdapter, NodeInfo, ValueAdapter, adapter_for, register_adapter, walk
from .html import draw_html
from .tensor_adapter import TensorAdapter

__all__ = [
    "DotNotFoundError",
    "Graph",
    "GraphAdapter",
    "NodeInfo",
    "TensorAdapter",
    "ValueAdapter",
    "adapter_for",
    "draw_dot",
    "draw_html",
    "register_adapter",
    "render",
    "to_dot",
    "walk",
]
