"""The backward engine: runs the graph's nodes from the outputs back to the leaves.

Order: every node carries a creation number, and a function node's consumers were created after
it. So taking the newest pending function node from a heap always finds one whose gradient is
complete (leaf accumulators, made lazily, come last): a topological order with no recursion and
no separate sort. Gradients for a node are summed in its buffer (a dict keyed by node identity)
before it runs, so shared subgraphs run once.
"""

from __future__ import annotations

import heapq
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from .. import _tensor
from . import anomaly, grad_mode
from .function import AccumulateGrad, BackwardCFunction, Node

Edge = tuple[Node, int]


def _num_outputs(node: Node) -> int:
    return node._num_outputs if isinstance(node, BackwardCFunction) else 1


def _nodes_leading_to(roots: Iterable[Node], targets: set[Node]) -> set[Node]:
    """Nodes from which some target can be reached (so only they need to run)."""
    needed: set[Node] = set()
    done: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(r, False) for r in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in targets or any(n in needed for n, _ in node.next_functions if n is not None):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        stack.extend((n, False) for n, _ in node.next_functions if n is not None and n not in done)
    return needed


def _call_backward(node: BackwardCFunction, grads: list) -> list:
    """Run one Function's backward; return one gradient per tensor input (next_functions)."""
    if node._materialize and any(g is None for g in grads):
        Tensor = _tensor.Tensor
        grads = [
            Tensor._make(np.zeros(shape, dtype), False, None) if g is None else g
            for g, (shape, dtype) in zip(grads, node._out_meta)
        ]
    result = node._forward_cls.backward(node, *grads)
    if not isinstance(result, tuple):
        result = (result,)
    if len(result) != len(node._is_tensor):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {len(node._is_tensor)}, got {len(result)})"
        )
    return [g for g, is_tensor in zip(result, node._is_tensor) if is_tensor]


class _Run:
    """One call of backward() or grad(): the buffers and settings of that pass."""

    def __init__(self, retain_graph: bool, create_graph: bool, accumulate: bool,
                 needed: Optional[set[Node]], capture: Optional[dict[Edge, int]]) -> None:
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        self.accumulate = accumulate
        self.needed = needed
        self.capture = capture
        self.captured: list = [None] * (len(capture) if capture else 0)
        self.buffers: dict[Node, list] = {}
        self.heap: list[tuple[int, Node]] = []
        self.handed: set[int] = set()

    def add(self, node: Node, nr: int, grad: Any) -> None:
        if self.needed is not None and node not in self.needed:
            return
        buf = self.buffers.get(node)
        if buf is None:
            buf = self.buffers[node] = [None] * _num_outputs(node)
            # a leaf's accumulator is made lazily, after its first consumer; it has no inputs,
            # so every accumulator runs after every function node
            heapq.heappush(self.heap, (node._seq if isinstance(node, AccumulateGrad) else -node._seq, node))
        buf[nr] = grad if buf[nr] is None else buf[nr] + grad

    def run(self) -> None:
        while self.heap:
            _, node = heapq.heappop(self.heap)
            grads = self.buffers.pop(node)
            self._pre_hooks(node, grads)
            if isinstance(node, AccumulateGrad):
                if self.accumulate and grads[0] is not None:
                    self._accumulate(node, grads[0])
                continue
            in_grads = _call_backward(node, grads)
            if anomaly._enabled:
                anomaly.check_gradients(node, in_grads)
            if not self.retain_graph:
                node._release()
            for (nxt, nr), g in zip(node.next_functions, in_grads):
                if nxt is not None and g is not None:
                    self.add(nxt, nr, g)

    def _pre_hooks(self, node: Node, grads: list) -> None:
        """Tensor hooks, retain_grad, and the captures of autograd.grad, in torch's order."""
        if node._pre_hooks:
            for nr, hooks in node._pre_hooks.items():
                for hook in list(hooks):
                    if grads[nr] is not None:
                        new = hook(grads[nr])
                        if new is not None:
                            grads[nr] = new
        if self.capture:
            for nr, g in enumerate(grads):
                index = self.capture.get((node, nr))
                if index is not None:
                    self.captured[index] = g

    def _owned(self, g: Any) -> Any:
        """The gradient's array if nothing else holds it, else a copy: `.grad` never aliases."""
        arr = g._data
        if arr.base is not None or id(arr) in self.handed or not arr.flags.writeable:
            arr = arr.copy()
        self.handed.add(id(arr))
        return arr

    def _accumulate(self, node: AccumulateGrad, g: Any) -> None:
        t = node.variable
        Tensor = _tensor.Tensor
        if self.create_graph:
            t.grad = g if t.grad is None else t.grad + g
        elif t.grad is None:
            t.grad = Tensor._make(self._owned(g), False, None)
        else:
            t.grad = t.grad.detach()
            t.grad._data += g._data
        if node._post_hooks:
            for hook in list(node._post_hooks):
                hook(t)


def run_backward(
    roots: Sequence[Any],
    grad_roots: Sequence[Any],
    retain_graph: Optional[bool] = None,
    create_graph: bool = False,
    inputs: Optional[Sequence[Any]] = None,
    accumulate: bool = True,
    allow_unused: bool = False,
) -> Optional[list]:
    """Backpropagate `grad_roots` from `roots`. With `accumulate`, leaves' `.grad` grow (all of
    them, or only `inputs`); without, the gradients of `inputs` are returned (autograd.grad)."""
    if retain_graph is None:
        retain_graph = create_graph
    edges = [_edge_of(t, _NO_GRAD_ROOT) for t in roots]
    capture = needed = None
    if inputs is not None:
        targets = [_edge_of(t, _NO_GRAD_INPUT) for t in inputs]
        capture = {e: i for i, e in enumerate(targets)}
        needed = _nodes_leading_to([n for n, _ in edges], {n for n, _ in targets})
    run = _Run(retain_graph, create_graph, accumulate, needed, None if accumulate else capture)
    with grad_mode.set_grad_enabled(create_graph):
        for (node, nr), g in zip(edges, grad_roots):
            run.handed.add(id(g._data))
            run.add(node, nr, g)
        run.run()
    if accumulate:
        return None
    for i, (g, t) in enumerate(zip(run.captured, inputs)):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {i}) appears to not have been used in "
                "the graph. Set allow_unused=True if this is the desired behavior."
            )
    return run.captured


_NO_GRAD_ROOT = (
    "element 0 of tensors does not require grad and does not have a grad_fn: "
    "nothing in its computation has requires_grad=True"
)
_NO_GRAD_INPUT = "One of the differentiated Tensors does not require grad"


def _edge_of(t: Any, error: str) -> Edge:
    """The node that receives t's gradient: its grad_fn, or the accumulator of a leaf."""
    if not t.requires_grad:
        raise RuntimeError(error)
    return (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
