"""Walk an autograd graph of either engine into plain nodes and edges, for drawing.

The walk knows nothing about `Value` or `Tensor`: it asks a `GraphAdapter` three things about
each node (its identity, the nodes it was computed from, and what to print on it), as minitorch
drives both of its engines through one small protocol. A drawn graph has two kinds of node, as in
micrograd's pictures: *values* (data boxes) and *ops* (the small ellipse that made a value).
Data flows along every edge, from an input to the op that used it, and from an op to its result:

    a, b  ->  (*)  ->  a*b

A Tensor graph's ops are the nodes of torch's backward graph (`MulBackward0`...), kind "fn",
drawn as torchviz draws them: grey boxes.

For `ember.Value` the op is not an object of its own, so `ValueAdapter` makes one up for every
computed value. The Tensor engine plugs in the same way torchviz walks torch's graph: a tensor's
child is its `grad_fn` (an op), an op's children are its `next_functions` (ops, or the leaf
tensor behind an `AccumulateGrad`); `tensor_adapter.py` registers it with `register_adapter`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import (
    Any,
    Hashable,
    Iterable,
    Literal,
    Mapping,
    NamedTuple,
    Optional,
    Protocol,
    Sequence,
)

from ..scalar.value import Value

NodeKind = Literal["value", "op", "fn"]


class NodeInfo(NamedTuple):
    """What a drawing shows for one node.

    `kind` is "value" (a record box, one cell per field: name, data, grad...), "op" (an ellipse
    labelled by `fields[0]`) or "fn" (an op that is a node of a backward graph, torch's
    `grad_fn`: a grey box labelled by `fields[0]`, torchviz's look); `constant` marks a node
    that needs no gradient (drawn dashed).
    A value's first field is its name ("" when it has none), which `walk(params=...)` sets.
    The fields are plain text: the drawer escapes them.
    """

    kind: NodeKind
    fields: tuple[str, ...]
    constant: bool = False


class GraphAdapter(Protocol):
    """How the walk reads one engine's graph. Every method gets a node of that engine's graph."""

    def key(self, node: Any) -> Hashable:
        """A hashable identity, the same for every visit of the node: `id(node)` for objects the
        graph holds (a Tensor's elementwise `__eq__` rules out hashing by value); a node made up
        on the fly, like ValueAdapter's ops, keys on the object it stands for."""
        ...

    def children(self, node: Any) -> Iterable[Any]:
        """The nodes this one was computed from, in input order; a repeated input repeats."""
        ...

    def describe(self, node: Any) -> NodeInfo:
        """The node's kind and the text fields drawn on it."""
        ...


@dataclass
class Graph:
    """A walked graph: `nodes[i]` describes node i, `nodes[0]` is the (first) root.

    Each edge `(src, dst)` holds two node indices; data flows from `src` into `dst`. An op with the
    same input twice (`a * a`) has two edges into it, as it has two inputs.
    """

    nodes: list[NodeInfo] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)


class _OpOf:
    """The op that computed a `Value`: a node of its own in the drawing, not in the engine."""

    __slots__ = ("value",)

    def __init__(self, value: Value) -> None:
        self.value = value


class ValueAdapter:
    """`GraphAdapter` for the scalar engine: a computed Value's child is its op, the op's children
    are the Value's inputs (`_prev`). Boxes read micrograd's `name | data 1.0000 | grad 0.0000`."""

    def key(self, node: Value | _OpOf) -> Hashable:
        if type(node) is _OpOf:
            return ("op", id(node.value))
        return id(node)

    def children(self, node: Value | _OpOf) -> Sequence[Value | _OpOf]:
        if type(node) is _OpOf:
            return node.value._prev
        return (_OpOf(node),) if node._prev else ()

    def describe(self, node: Value | _OpOf) -> NodeInfo:
        if type(node) is _OpOf:
            value = node.value
            return NodeInfo("op", (value.op,), not value.requires_grad)
        fields = (str(node.name), f"data {node.data:.4f}", f"grad {node.grad:.4f}")
        return NodeInfo("value", fields, not node.requires_grad)


_ADAPTERS: dict[type, GraphAdapter] = {Value: ValueAdapter()}


def register_adapter(cls: type, adapter: GraphAdapter) -> None:
    """Let `walk` (and so every drawer) accept roots of type `cls` and its subclasses."""
    _ADAPTERS[cls] = adapter


def adapter_for(root: Any) -> GraphAdapter:
    """The adapter registered for `type(root)` or its nearest base class."""
    for cls in type(root).__mro__:
        adapter = _ADAPTERS.get(cls)
        if adapter is not None:
            return adapter
    known = ", ".join(sorted(cls.__name__ for cls in _ADAPTERS))
    raise TypeError(
        f"ember.viz cannot draw a {type(root).__name__}: it draws {known}. "
        "Pass adapter=... or call ember.viz.register_adapter(cls, adapter) first"
    )


def walk(
    root: Any, adapter: Optional[GraphAdapter] = None, params: Optional[Mapping[str, Any]] = None
) -> Graph:
    """Every node reachable from `root` (one node, or a list or tuple of roots) and every edge.

    Iterative (an explicit stack), so a graph of any depth works; each node is described once and
    each edge recorded once, so the cost is linear in the graph's size. `params` names values,
    as torchviz's `make_dot(params=dict(model.named_parameters()))` does: a value node that is one
    of its entries shows that name as its first field.

    >>> from ember import Value
    >>> g = walk(Value(2.0) * Value(3.0))
    >>> [n.kind for n in g.nodes], len(g.edges)
    (['value', 'op', 'value', 'value'], 3)
    """
    roots = list(root) if isinstance(root, (list, tuple)) else [root]
    if not roots:
        raise ValueError("walk() needs at least one root")
    if adapter is None:
        adapter = adapter_for(roots[0])
    names = {adapter.key(node): name for name, node in (params or {}).items()}
    graph = Graph()
    index: dict[Hashable, int] = {}
    stack: list[tuple[int, Any]] = []

    def visit(node: Any) -> int:
        key = adapter.key(node)
        i = index.get(key)
        if i is None:
            i = index[key] = len(graph.nodes)
            info = adapter.describe(node)
            if key in names and info.kind == "value":
                info = info._replace(fields=(names[key],) + info.fields[1:])
            graph.nodes.append(info)
            stack.append((i, node))
        return i

    for r in roots:
        visit(r)
    while stack:
        i, node = stack.pop()
        for child in adapter.children(node):
            graph.edges.append((visit(child), i))
    return graph
