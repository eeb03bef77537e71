"""Drawing Tensor graphs: the walked graph against torch's own `grad_fn` graph, torchviz's way.

torchviz's `make_dot` draws the output tensor, one box per `grad_fn` node (named by its type),
an edge from each entry of `next_functions` into the node, and the leaf behind an
`AccumulateGrad` (its `.variable`) with its name from `params` and its shape. `torchviz_graph`
below walks torch's graph by those rules; `canonical` turns either graph into the same
comparable form, so a test compares ember's drawing node by node and edge by edge with torch's.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any, Callable, Hashable, Sequence

import numpy as np
import pytest
import torch

import ember
from ember.viz import Graph, TensorAdapter, adapter_for, draw_dot, draw_html, render, to_dot, walk

Canonical = tuple[list[tuple[str, ...]], list[tuple[int, int]]]


def canonical(
    roots: Sequence[Any],
    key: Callable[[Any], Hashable],
    children: Callable[[Any], Sequence[Any]],
    label: Callable[[Any], tuple[str, ...]],
) -> Canonical:
    """Node labels in breadth-first order from the roots (children in input order), and the
    sorted edges (input index, consumer index) with repeats: equal for two graphs exactly when
    they have the same nodes, labels and wiring."""
    index: dict[Hashable, int] = {}
    order: list[Any] = []

    def number(node: Any) -> int:
        k = key(node)
        if k not in index:
            index[k] = len(order)
            order.append(node)
        return index[k]

    for r in roots:
        number(r)
    edges = []
    i = 0
    while i < len(order):
        node = order[i]
        edges.extend((number(child), i) for child in children(node))
        i += 1
    return [label(n) for n in order], sorted(edges)


def shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"


def torchviz_graph(root: torch.Tensor, params: dict[str, torch.Tensor] | None = None) -> Canonical:
    """torch's backward graph as torchviz draws it (made independently of ember.viz)."""
    names = {id(t): name for name, t in (params or {}).items()}

    def children(node: Any) -> list[Any]:
        if isinstance(node, torch.Tensor):
            return [node.grad_fn] if node.grad_fn is not None else []
        nodes = [fn for fn, _ in node.next_functions if fn is not None]
        return nodes + [node.variable] if hasattr(node, "variable") else nodes

    def label(node: Any) -> tuple[str, ...]:
        if isinstance(node, torch.Tensor):
            return (names.get(id(node), ""), shape_text(node.shape))
        return (type(node).__name__,)

    return canonical([root], id, children, label)


def ember_graph(graph: Graph) -> Canonical:
    """A walked ember graph in the same form (an input's edges come in input order)."""
    inputs: dict[int, list[int]] = {}
    for src, dst in graph.edges:
        inputs.setdefault(dst, []).append(src)
    return canonical([0], lambda i: i, lambda i: inputs.get(i, []), lambda i: graph.nodes[i].fields)


rng = np.random.default_rng(0)
A = rng.uniform(0.1, 1.0, 2)
W = rng.uniform(0.1, 1.0, (2, 3))

EXPRESSIONS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "arithmetic": lambda L, a, w: ((a * a + a).exp() / a - a.sin()).relu().sum(),
    "dot_sigmoid": lambda L, a, w: (a @ a).sigmoid() * 2,
    "mm_tanh": lambda L, a, w: (a.view(1, 2) @ w).tanh().sum(),
    "views": lambda L, a, w: (w.t() ** 2).transpose(0, 1)[0].log_softmax(0).max(),
    "reduce": lambda L, a, w: w.relu().sum(1).pow(2).mean(),
    "cat_stack": lambda L, a, w: L.stack([L.cat([a, a * 2]), a.repeat(2).neg()]).exp().mean(),
    "softmax_where": lambda L, a, w: L.where(w > 0.5, L.softmax(w, dim=1), w * w).sum(),
    "expand_clamp": lambda L, a, w: w.unsqueeze(0).expand(3, 2, 3).clamp(0.2, 0.8).log().sum(),
}


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_nodes_and_edges_equal_torchs_grad_fn_graph(name):
    f = EXPRESSIONS[name]
    a, w = ember.tensor(A, requires_grad=True), ember.tensor(W, requires_grad=True)
    ta, tw = torch.tensor(A, requires_grad=True), torch.tensor(W, requires_grad=True)
    assert ember_graph(walk(f(ember, a, w))) == torchviz_graph(f(torch, ta, tw))


def test_output_ops_and_leaves_are_drawn_as_torchviz_does():
    a = ember.tensor(A, requires_grad=True)
    x = ember.tensor(W)  # needs no grad: no node in the backward graph, so not drawn
    g = walk((a.view(2, 1) * x).sum())
    assert [n.fields for n in g.nodes if n.kind == "value"] == [("", "()"), ("", "(2)")]
    ops = Counter(n.fields[0] for n in g.nodes if n.kind == "fn")
    assert ops == {"SumBackward0": 1, "MulBackward0": 1, "ViewBackward0": 1, "AccumulateGrad": 1}
    assert not any(n.constant for n in g.nodes)
    assert isinstance(adapter_for(a), TensorAdapter)


def test_shared_nodes_appear_once_and_a_repeated_input_gives_two_edges():
    a = ember.tensor(A, requires_grad=True)
    b = a * a
    g = walk(b + b)
    labels = Counter(n.fields[0] for n in g.nodes)
    assert labels == {"": 2, "AddBackward0": 1, "MulBackward0": 1, "AccumulateGrad": 1}
    by_label = {n.fields[0]: i for i, n in enumerate(g.nodes) if n.kind == "fn"}
    edges = Counter(g.edges)
    assert edges[(by_label["MulBackward0"], by_label["AddBackward0"])] == 2
    assert edges[(by_label["AccumulateGrad"], by_label["MulBackward0"])] == 2
    ta = torch.tensor(A, requires_grad=True)
    tb = ta * ta
    assert ember_graph(g) == torchviz_graph(tb + tb)


def test_several_outputs_share_their_graph():
    a = ember.tensor(A, requires_grad=True)
    h = a.exp()
    g = walk([h.sum(), h.prod()])
    labels = Counter(n.fields[0] for n in g.nodes)
    assert labels == {"": 3, "SumBackward0": 1, "ProdBackward0": 1, "ExpBackward0": 1, "AccumulateGrad": 1}


def test_a_leaf_root_is_one_box():
    g = walk(ember.zeros(3, 4, requires_grad=True))
    assert [n.fields for n in g.nodes] == [("", "(3, 4)")]
    assert g.edges == []


def tiny_mlp(lib: Any) -> tuple[Any, Any]:
    """The same 2-3-1 tanh MLP in ember or torch, and its MSE loss on fixed data."""
    layers = [lib.nn.Linear(2, 3), lib.nn.Tanh(), lib.nn.Linear(3, 1)]
    model = lib.nn.Sequential(*layers)
    x = lib.tensor(W.T.copy(), dtype=lib.float32)
    y = lib.tensor(A[:1].repeat(3).reshape(3, 1), dtype=lib.float32)
    return model, ((model(x) - y) ** 2).mean()


def test_params_name_the_leaves_as_torchviz_does():
    model, loss = tiny_mlp(ember)
    params = dict(model.named_parameters())
    g = walk(loss, params=params)
    tmodel, tloss = tiny_mlp(torch)
    leaves = {n.fields for n in g.nodes if n.kind == "value"}
    torch_labels, _ = torchviz_graph(tloss, dict(tmodel.named_parameters()))
    assert leaves == {labels for labels in torch_labels if len(labels) == 2}
    assert leaves == {
        ("", "()"), ("0.weight", "(3, 2)"), ("0.bias", "(3)"), ("2.weight", "(1, 3)"), ("2.bias", "(1)")
    }
    dot = to_dot(loss, params=params)
    assert '[label="{ 0.weight | (3, 2) }" shape=record]' in dot
    assert '[label="TanhBackward0" shape=box style=filled fillcolor=lightgrey' in dot
    assert dot.count("shape=box") == sum(n.kind == "fn" for n in g.nodes) > 0


def test_show_data_prints_small_tensors_and_the_grads_torch_keeps():
    w = ember.tensor([1.0, -2.5], requires_grad=True)
    big = ember.ones(5, requires_grad=True)
    loss = (w * 2).sum() + big.sum()
    shown = TensorAdapter(show_data=True, max_numel=4)
    loss.backward(retain_graph=True)
    g = walk(loss, adapter=shown, params={"w": w, "big": big})
    fields = {n.fields[0]: n.fields for n in g.nodes if n.kind == "value"}
    assert fields["w"] == ("w", "(2)", "data [ 1.0000, -2.5000]", "grad [2.0000, 2.0000]")
    assert fields["big"] == ("big", "(5)")  # more than max_numel elements: shape only
    assert fields[""] == ("", "()", "data 2.0000")  # torch keeps no .grad for a non-leaf
    loss.retain_grad()  # unless asked to
    loss.backward()
    assert walk(loss, adapter=shown).nodes[0].fields == ("", "()", "data 2.0000", "grad 1.0000")
    before = walk(ember.tensor([0.5], requires_grad=True) * 1, adapter=shown)
    assert before.nodes[-1].fields == ("", "(1)", "data [0.5000]", "grad None")


def test_a_10000_op_chain_draws_without_recursion():
    depth = 10_000
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0
    g = walk(y)
    assert len(g.nodes) == depth + 3  # the output, the ops, AccumulateGrad and the leaf
    assert len(g.edges) == depth + 2
    assert g.nodes[-1].fields == ("", "(2)")
    assert sum(n.fields[0] == "MulBackward0" for n in g.nodes) == depth
    assert to_dot(y).count(" -> ") == depth + 2


def test_the_drawers_accept_tensors_and_params(tmp_path, graphviz_installed):
    model, loss = tiny_mlp(ember)
    params = dict(model.named_parameters())
    assert draw_dot(loss, params=params).source == to_dot(loss, params=params)
    svg = html.unescape(render(loss, tmp_path / "mlp.svg", params=params).read_text())
    page = html.unescape(draw_html(loss, tmp_path / "mlp.html", params=params).read_text())
    for text in (svg, page):
        assert "<svg" in text
        for label in ("0.weight", "(3, 2)", "2.bias", "TanhBackward0", "AccumulateGrad"):
            assert label in text
