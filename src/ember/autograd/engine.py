"""The backward engine: runs the graph's nodes from the outputs back to the leaves.

Order: every node carries a creation number, and a node's consumers were created after it. So
taking the newest pending node from a heap always finds one whose gradient is complete: a
topological order with no recursion and no separate sort. Gradients for a node are summed in
its buffer (a dict keyed by node identity) before it runs, so shared subgraphs run once.

Gradients travel as NumPy arrays unless `create_graph=True` asks for a graph of the backward
itself; then they are Tensors, and each node's `backward` (the reference rule) runs on them.
Without create_graph, an op with a `backward_arrays` rule runs it on the arrays, with the
node's array view as ctx (`function.array_ctx`); any other op (and every hook) gets them
wrapped in Tensors.

Leaf gradients go into `.grad` as `accumulate.py` describes: a training step whose gradients
arrive in their parameters' layout copies none.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

from .. import _dtype, _tensor
from . import anomaly, grad_mode
from .accumulate import accumulate_grad, is_unshared
from .function import AccumulateGrad, BackwardCFunction, Node, _ArrayCtx, _new, _set_needs, _set_node, array_ctx

Edge = tuple[Node, int]

_heappush = heapq.heappush
_ndarray = np.ndarray
_heappop = heapq.heappop
_ZEROS = itertools.repeat(0)  # the output index of every input, for nodes with no `_next_nr`
_grad_state = grad_mode._state

_NO_GRAD_ROOT = (
    "element {} of tensors does not require grad and does not have a grad_fn: "
    "nothing in its computation has requires_grad=True"
)
_NO_GRAD_INPUT = "One of the differentiated Tensors does not require grad"

# Below this many elements, summing two gradients into a new array beats NumPy's in-place add.
_IN_PLACE_MIN = 1024

# The implicit gradient of a one-element output, per (shape, dtype); each use gets a copy,
# which is several times cheaper than building it with np.ones.
_ONES: dict[tuple[tuple[int, ...], str], np.ndarray] = {}


def grad_roots(outputs: Sequence[Any], grad_outputs: Optional[Sequence[Any]], create_graph: bool) -> list:
    """The gradients to start from: given ones (shape-checked, in the output's dtype), or 1 for
    one-element outputs; as Tensors with create_graph, else as the arrays the engine passes."""
    if grad_outputs is not None and len(grad_outputs) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    grads = []
    for i, out in enumerate(outputs):
        arr = out._data
        g = None if grad_outputs is None else grad_outputs[i]
        if g is None:
            if arr.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs (output {i} has shape "
                    f"{list(arr.shape)}); pass gradient= (or grad_outputs=) of the same shape"
                )
            g = _one_like(arr)
        elif not isinstance(g, _tensor.Tensor):
            g = np.full(arr.shape, g, dtype=arr.dtype)
        elif g._data.shape != arr.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {list(g.shape)} and output[{i}] "
                f"has a shape of {list(arr.shape)}."
            )
        elif g._data.dtype != arr.dtype:
            g = g.to(out.dtype)  # torch casts a given gradient to its output's dtype
        if create_graph:
            grads.append(g if isinstance(g, _tensor.Tensor) else _tensor.Tensor._make(g, False, None))
        else:
            grads.append(g._data if isinstance(g, _tensor.Tensor) else g)
    return grads


def _one_like(arr: np.ndarray) -> np.ndarray:
    """A new one-element array of ones shaped and typed like `arr`: a copy of a cached one.
    Keyed by the dtype's type code (hashing a dtype object is slow), checked on use."""
    one = _ONES.get((arr.shape, arr.dtype.char))
    if one is None or one.dtype != arr.dtype:
        one = _ONES[(arr.shape, arr.dtype.char)] = np.ones(arr.shape, arr.dtype)
    return one.copy()


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
    them, or only `inputs`'); without, the gradients of `inputs` are returned (autograd.grad)."""
    if retain_graph is None:
        retain_graph = create_graph
    edges = []
    for i, t in enumerate(roots):
        edges.append(_edge_of(t, _NO_GRAD_ROOT, i))
    capture = needed = None
    if inputs is not None:
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty." if accumulate else "grad requires non-empty inputs.")
        targets = [_edge_of(t, _NO_GRAD_INPUT, i) for i, t in enumerate(inputs)]
        needed = _nodes_leading_to([n for n, _ in edges], {n for n, _ in targets})
        # backward(inputs=) fills the .grad of non-leaf inputs too; their gradient is captured
        capture = {e: i for i, (e, t) in enumerate(zip(targets, inputs)) if not accumulate or t.grad_fn is not None}
    state = _grad_state
    prev = state.enabled
    state.enabled = create_graph
    try:
        captured = _execute(edges, grad_roots, retain_graph, create_graph, accumulate, needed, capture)
    finally:
        state.enabled = prev
    if captured and not create_graph:
        _wrap_captured(captured)
    if accumulate:
        if capture:
            _accumulate_non_leaves(inputs, captured, capture)
        return None
    for i in range(len(captured)):
        if captured[i] is None and not allow_unused:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {i}) appears to not have been used in "
                "the graph. Set allow_unused=True if this is the desired behavior."
            )
    return captured


def _wrap_captured(captured: list) -> None:
    """Captured gradient arrays as Tensors, copied when something else holds their memory."""
    make = _tensor.Tensor._make
    for i in range(len(captured)):
        # indexed, not iterated: a loop variable would count as one more reference to the grad
        if captured[i] is not None:
            captured[i] = make(captured[i] if is_unshared(captured, i) else captured[i].copy(), False, None)


def _execute(
    edges: list[Edge], grad_roots: Sequence[Any], retain_graph: bool, create_graph: bool,
    accumulate: bool, needed: Optional[set[Node]], capture: Optional[dict[Edge, int]],
) -> list:
    """The loop: pop the newest pending node, run it, pass its input gradients on."""
    heap: list[tuple[int, Node]] = []
    buffers: dict[Node, list] = {}
    summing: set[Node] = set()  # nodes whose buffer holds a _Pending sum
    for (node, nr), g in zip(edges, grad_roots):
        _add(heap, buffers, needed, node, nr, g)
    captured: list = [None] * (len(capture) if capture else 0)
    arrays = not create_graph
    while heap:
        node = _heappop(heap)[1]
        grads = buffers.pop(node)
        if summing and node in summing:
            summing.discard(node)
            _finish_sums(grads)
        if node._pre_hooks is not None:
            _run_pre_hooks(node, grads, create_graph)
        if capture:
            _capture(node, grads, capture, captured)
        if type(node) is AccumulateGrad:
            if accumulate and grads[0] is not None:
                accumulate_grad(node, grads, create_graph)
            continue
        cls = node._forward_cls
        if arrays and cls._inline_rule and node._out_meta is None:
            # the usual case: an op's array rule, with the node's array view as ctx (`array_ctx`
            # inlined: a call costs more than the view)
            if node._saved:
                ctx = _new(_ArrayCtx)
                _set_node(ctx, node)
                _set_needs(ctx, node.needs_input_grad)
            else:
                ctx = node
            in_grads = cls.backward_arrays(ctx, *grads)
            if type(in_grads) is not tuple:
                in_grads = (in_grads,)
        else:
            in_grads = _call_backward(node, grads, create_graph)
        if anomaly._enabled:
            anomaly.check_gradients(node, in_grads)
        if not retain_graph:
            node._release()
        for nxt, g, nr in zip(node._next, in_grads, node._next_nr or _ZEROS):
            if g is None or not nxt or (needed is not None and nxt not in needed):
                continue
            if arrays and type(g) is not _ndarray:
                g = np.asarray(g)  # NumPy gives scalars for 0-d arithmetic
            buf = buffers.get(nxt)
            if buf is None:
                if nxt._num_outputs == 1:
                    buffers[nxt] = [g]
                else:
                    buf = buffers[nxt] = [None] * nxt._num_outputs
                    buf[nr] = g
                _heappush(heap, (-nxt._seq, nxt))
            elif buf[nr] is None:
                buf[nr] = g
            elif create_graph:
                buf[nr] = buf[nr] + g
            elif _sum_into(buf, nr, g):
                summing.add(nxt)
        # no stale local may hold a gradient: accumulate_grad counts references to decide to steal
        in_grads = g = grads = None
    return captured


def _add(heap: list, buffers: dict, needed: Optional[set[Node]], node: Node, nr: int, g: Any) -> None:
    """Add a gradient to a node's buffer, scheduling the node when it is new (the loop in
    `_execute` inlines this)."""
    if needed is not None and node not in needed:
        return
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._num_outputs
        _heappush(heap, (-node._seq, node))
    buf[nr] = g if buf[nr] is None else buf[nr] + g


class _Pending(list):
    """Small gradients for one input of a node, summed all at once when the node runs: one
    NumPy reduction instead of a new array per gradient (a leaf used by every op of a long
    chain receives thousands)."""

    __slots__ = ()


def _sum_into(buf: list, nr: int, g: np.ndarray) -> bool:
    """buf[nr] += g for gradient arrays (no graph of the backward). Large gradients are added at
    once (in place when the buffer holds the only reference and the dtypes agree), small ones
    queued in a _Pending; returns True when a queue was started."""
    if type(buf[nr]) is _Pending:
        buf[nr].append(g)
        return False
    if buf[nr].size < _IN_PLACE_MIN:
        buf[nr] = _Pending((buf[nr], g))
        return True
    if buf[nr].dtype == g.dtype and is_unshared(buf, nr):
        total = buf[nr]
        try:
            total += g
            return False
        except ValueError:  # read-only, or a shape that would broadcast: no in-place update
            pass
    buf[nr] = buf[nr] + g
    return False


def _finish_sums(grads: list) -> None:
    """Replace each _Pending in a node's buffer by the sum of its gradient arrays."""
    for i, pending in enumerate(grads):
        if type(pending) is not _Pending:
            continue
        try:
            total = np.add.reduce(np.stack(pending), axis=0)
        except ValueError:  # shapes that only broadcast together: add them one by one
            total = pending[0]
            for a in pending[1:]:
                total = total + a
        grads[i] = total if type(total) is np.ndarray else np.asarray(total)


def _call_backward(node: BackwardCFunction, grads: list, create_graph: bool) -> Sequence[Any]:
    """Run one Function's backward in the general case (the loop in `_execute` runs an array
    rule itself): return one gradient per forward argument. Under create_graph, `backward` on
    Tensors; without, `backward_arrays` on arrays where the op has one, else `backward` on
    Tensors wrapped around the gradient arrays, its results unwrapped. A multi-output node gets
    zeros for outputs that received no gradient (unless it asked not to); a user Function's
    gradients are checked."""
    cls = node._forward_cls
    wrap = not create_graph and cls.backward_arrays is None
    if node._out_meta is not None and node._materialize and any([g is None for g in grads]):
        grads = [
            _zeros(shape, dtype, create_graph) if g is None else g
            for g, (shape, dtype) in zip(grads, node._out_meta)
        ]
    if wrap:
        make = _tensor.Tensor._make
        result = cls.backward(node, *[None if g is None else make(g, False, None) for g in grads])
    elif create_graph:
        result = cls.backward(node, *grads)
    else:
        result = cls.backward_arrays(array_ctx(node), *grads)
    if not isinstance(result, tuple):
        result = (result,)
    n = len(node.needs_input_grad)
    if len(result) > n and all([g is None for g in result[n:]]):
        result = result[:n]  # torch drops trailing Nones
    if len(result) != n:
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients (expected {n}, got {len(result)})"
        )
    if wrap:
        result = [None if g is None else g._data for g in result]
    if node._in_meta is not None:
        result = _checked(node, result)
    return result


def _checked(node: BackwardCFunction, grads: Sequence[Any]) -> list:
    """A user Function's gradients as torch's engine takes them: one that broadcasts over its
    input is summed down to the input's shape, any other shape is refused, and each is cast to
    its input's dtype."""
    grads = list(grads)
    for i, (meta, needed) in enumerate(zip(node._in_meta or (), node.needs_input_grad)):
        g = grads[i]
        if g is None or not needed or meta is None:
            continue
        shape, dtype = meta
        if tuple(g.shape) != shape:
            if not _broadcasts_to(shape, tuple(g.shape)):
                raise RuntimeError(
                    f"Function {node.name()} returned an invalid gradient at index {i} - got "
                    f"{list(g.shape)} but expected shape compatible with {list(shape)}"
                )
            from ..ops._util import sum_to  # ops import the engine's package: bound on this rare path

            g = sum_to(g, shape)
        if type(g) is _ndarray:
            grads[i] = g if g.dtype == dtype else g.astype(dtype)
        else:
            grads[i] = g if g._data.dtype == dtype else g.to(_dtype.from_numpy(dtype))
    return grads


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return len(shape) <= len(target) and np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _zeros(shape: tuple[int, ...], dtype: np.dtype, as_tensor: bool) -> Any:
    z = np.zeros(shape, dtype)
    return _tensor.Tensor._make(z, False, None) if as_tensor else z


def _capture(node: Node, grads: list, capture: dict[Edge, int], captured: list) -> None:
    """Keep the gradients autograd.grad (or backward's non-leaf `inputs`) asked for."""
    for nr, g in enumerate(grads):
        index = capture.get((node, nr))
        if index is not None:
            captured[index] = g


def _run_pre_hooks(node: Node, grads: list, create_graph: bool) -> None:
    """Tensor hooks in registration order, then retain_grad's (it sees what the others made, as
    torch's does); a hook's result replaces the grad and must keep its shape and dtype. Hooks
    see Tensors: gradient arrays are wrapped for them, and what they return unwrapped."""
    make = _tensor.Tensor._make
    for nr, hooks in node._pre_hooks.items():
        for hook in sorted(hooks, key=_runs_last):
            g = grads[nr]
            if g is not None:
                new = hook(g if create_graph else make(g, False, None))
                if new is not None:
                    arr = new._data
                    old = g._data if create_graph else g
                    if arr.dtype != old.dtype or arr.shape != old.shape:
                        raise _changed_by_hook(hook, old, arr)
                    grads[nr] = new if create_graph else arr


def _runs_last(hook: Callable) -> bool:
    return getattr(hook, "_retains_grad", False)


def _changed_by_hook(hook: Callable, old: np.ndarray, new: np.ndarray) -> RuntimeError:
    """torch's error for a hook that returned a gradient of another dtype or shape."""
    name = getattr(hook, "__name__", repr(hook))
    if new.dtype != old.dtype:
        was, got = (_tensor.Tensor._make(a, False, None).type() for a in (old, new))
        return RuntimeError(f"hook '{name}' has changed the type of value (was {was} got {got})")
    return RuntimeError(
        f"hook '{name}' has changed the size of value (was {list(old.shape)} got {list(new.shape)})"
    )


def _accumulate_non_leaves(inputs: Sequence[Any], captured: list, capture: dict[Edge, int]) -> None:
    """backward(inputs=[...]) with non-leaf inputs: their captured gradients go into `.grad`
    (without create_graph, `_wrap_captured` has already made each one a tensor of its own)."""
    for index in capture.values():
        t, g = inputs[index], captured[index]
        if g is not None:
            t._grad = g if t._grad is None else t._grad + g


def _nodes_leading_to(roots: Iterable[Node], targets: set[Node]) -> set[Node]:
    """Nodes from which some target can be reached (so only they need to run)."""
    needed: set[Node] = set()
    done: set[Node] = set()
    stack: list[tuple[Node, bool]] = [(r, False) for r in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in targets or any(n in needed for n in node._next if n):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        stack.extend((n, False) for n in node._next if n and n not in done)
    return needed


def _edge_of(t: Any, error: str, index: int) -> Edge:
    """The node that receives t's gradient: its grad_fn, or the accumulator of a leaf."""
    if not t._requires_grad:
        raise RuntimeError(error.format(index))
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    return (t._acc or t._accumulator(), 0)
