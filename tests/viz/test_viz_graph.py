"""The engine-agnostic walk: shape of the walked graph, deep chains, and the adapter protocol."""

from __future__ import annotations

from collections import Counter
from typing import Hashable, Iterable

import pytest

from ember import Value
from ember.scalar.functional import dot
from ember.viz import Graph, NodeInfo, ValueAdapter, adapter_for, register_adapter, walk


def op_wiring(graph: Graph) -> Counter:
    """Each op as (op name, sorted input names, output name): the graph's structure by label."""
    inputs: dict[int, list[str]] = {}
    output: dict[int, str] = {}
    for src, dst in graph.edges:
        if graph.nodes[dst].kind == "op":
            inputs.setdefault(dst, []).append(graph.nodes[src].fields[0])
        else:
            assert graph.nodes[src].kind == "op", "a value feeds a value directly"
            output[src] = graph.nodes[dst].fields[0]
    ops = [i for i, n in enumerate(graph.nodes) if n.kind == "op"]
    return Counter((graph.nodes[i].fields[0], tuple(sorted(inputs[i])), output[i]) for i in ops)


def test_walk_lecture_expression_nodes_edges_and_wiring(lecture):
    g = walk(lecture)
    kinds = Counter(n.kind for n in g.nodes)
    assert kinds == {"value": 7, "op": 3}
    assert len(g.edges) == 9
    assert g.nodes[0].fields[0] == "L"  # the root comes first
    assert op_wiring(g) == Counter(
        {("*", ("a", "b"), "e"): 1, ("+", ("c", "e"), "d"): 1, ("*", ("d", "f"), "L"): 1}
    )


def test_value_fields_show_data_and_grad_with_four_decimals(lecture):
    fields = {n.fields[0]: n.fields[1:] for n in walk(lecture).nodes if n.kind == "value"}
    assert fields["a"] == ("data 2.0000", "grad 6.0000")
    assert fields["b"] == ("data -3.0000", "grad -4.0000")
    assert fields["c"] == ("data 10.0000", "grad -2.0000")
    assert fields["f"] == ("data -2.0000", "grad 4.0000")
    assert fields["L"] == ("data -8.0000", "grad 1.0000")


def test_shared_node_is_visited_once_and_repeated_input_gives_two_edges():
    a = Value(3.0, name="a")
    b = a * a
    c = b + b
    g = walk(c)
    assert Counter(n.kind for n in g.nodes) == {"value": 3, "op": 2}
    assert len(g.edges) == 6  # a->*, a->*, *->b, b->+, b->+, +->c
    assert op_wiring(g) == Counter({("*", ("a", "a"), ""): 1, ("+", ("", ""), ""): 1})


def test_constants_and_fused_ops_are_described():
    w = [Value(0.5, name="w0"), Value(-1.0, name="w1")]
    y = dot(w, [2.0, Value(3.0, name="x1", requires_grad=False)], activation="relu")
    z = y + 1
    g = walk(z)
    ops = {n.fields[0] for n in g.nodes if n.kind == "op"}
    assert ops == {"ReLU(dot)", "+"}
    constant = {n.fields[1] for n in g.nodes if n.kind == "value" and n.constant}
    assert constant == {"data 3.0000", "data 1.0000"}
    assert not any(n.constant for n in g.nodes if n.kind == "op")


def test_walk_of_a_leaf_is_one_node():
    g = walk(Value(1.5, name="x"))
    assert g.nodes == [NodeInfo("value", ("x", "data 1.5000", "grad 0.0000"), False)]
    assert g.edges == []


def test_walk_100k_chain_without_recursion_error():
    depth = 100_000
    y = Value(1.0, name="x")
    for _ in range(depth):
        y = -y
    g = walk(y)
    assert len(g.nodes) == 2 * depth + 1
    assert len(g.edges) == 2 * depth
    assert g.nodes[-1].fields[0] == "x"
    assert sum(node.kind == "op" for node in g.nodes) == depth


def test_several_roots_share_their_common_inputs():
    a, b = Value(1.0, name="a"), Value(2.0, name="b")
    s, p = a + b, a * b
    g = walk([s, p])
    assert Counter(n.kind for n in g.nodes) == {"value": 4, "op": 2}
    assert len(g.edges) == 6


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="cannot draw a str.*register_adapter"):
        walk("not a graph")
    with pytest.raises(ValueError, match="at least one root"):
        walk([])


class Fn:
    """A torch-like op node: `next_functions`, plus the tensor-like leaves it reads."""

    def __init__(self, name: str, *inputs: object) -> None:
        self.name, self.inputs = name, inputs


class Box:
    """A torch-like tensor: a shape and the `grad_fn` that made it (None for a leaf)."""

    def __init__(self, shape: tuple[int, ...], grad_fn: Fn | None = None) -> None:
        self.shape, self.grad_fn = shape, grad_fn

    def __eq__(self, other: object) -> bool:  # elementwise, like a Tensor: never hash by value
        raise AssertionError("the walk must not compare nodes")

    __hash__ = None  # type: ignore[assignment]


class BoxAdapter:
    """The protocol as a Tensor engine would implement it (grad_fn -> next_functions)."""

    def key(self, node: object) -> Hashable:
        return id(node)

    def children(self, node: object) -> Iterable[object]:
        if isinstance(node, Box):
            return (node.grad_fn,) if node.grad_fn else ()
        return node.inputs

    def describe(self, node: object) -> NodeInfo:
        if isinstance(node, Box):
            return NodeInfo("value", ("x".join(map(str, node.shape)),))
        return NodeInfo("op", (node.name,))


def test_a_registered_adapter_drives_the_same_walk(monkeypatch):
    from ember.viz import graph as graph_module

    monkeypatch.setattr(graph_module, "_ADAPTERS", dict(graph_module._ADAPTERS))
    register_adapter(Box, BoxAdapter())
    w, x = Box((3, 4)), Box((2, 3))
    mm = Fn("MmBackward0", x, w)
    y = Box((2, 4), mm)
    out = Box((), Fn("SumBackward0", y))
    assert isinstance(adapter_for(out), BoxAdapter)
    assert isinstance(adapter_for(Value(1.0)), ValueAdapter)
    g = walk(out)
    labels = [n.fields[0] for n in g.nodes]
    assert sorted(labels) == sorted(["", "SumBackward0", "2x4", "MmBackward0", "2x3", "3x4"])
    assert len(g.edges) == 5
