"""`Function`: the one way a differentiable operation is defined, and the graph node it records.

An op is a subclass with `forward(ctx, *args)` and `backward(ctx, *grads)` side by side:

    class Mul(Function):
        '''a * b;  d/da = b,  d/db = a.'''
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            return grad * b, grad * a

`Mul.apply(x, y)` runs forward with grad mode off and, when an input requires grad, records a
node: an instance of `MulBackward0` that is the output's `grad_fn` and is the `ctx` both methods
see. ember's own ops set `_array_forward = True`: their forward takes and returns NumPy arrays
(fast), and `save_for_backward(a)` on an input's array saves that input Tensor. A user Function
works as in torch: forward takes and returns Tensors.

The contract between a rule and the engine:

- `backward(ctx, *grads)` always receives Tensors, and `ctx.saved_tensors` gives Tensors: it is
  the differentiable reference rule. Under `create_graph=True` it records a graph of its own, so
  higher derivatives come for free (and gradgradcheck checks them).
- An op may add a fast path on NumPy arrays, `backward_arrays(ctx, *grads)`, which the engine
  runs when no graph of the backward is wanted (the usual `loss.backward()`). It receives the
  gradients as arrays and a ctx whose `saved_tensors` gives the saved tensors' arrays: the
  node's array view (`_ArrayCtx`), through which every other attribute is the node's. A rule
  written only with what arrays and Tensors share (operators, `.shape`, `.reshape`,
  `.sum(dims)`, `.mT`, the `ops._util` helpers) serves as both, said in one line of its class:
  `backward_arrays = backward`.
- An op without `backward_arrays` (a user Function, unless it defines one too) has its
  `backward` run on Tensors wrapped around the gradient arrays, and its results unwrapped. A
  user Function that defines `backward_arrays` gets the same array view as ember's own ops,
  and its gradients are checked against its inputs as for `backward`.

So no rule tests its gradient's type or the grad mode, and the engine sets nothing on a node:
it calls one method or the other with the ctx that matches.

Speed matters here more than anywhere: every op of every model passes through `apply`, and
backward rules call ops too. So `apply` makes one pass over the arguments, builds no graph when
nothing requires grad, and nodes keep their rarely used attributes (hooks, multi-output
metadata, release state) as class-level defaults that an instance only overrides when needed.
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

import numpy as np

from ..utils.hooks import RemovableHandle
from . import _setup_context, anomaly, grad_mode

if TYPE_CHECKING:
    from .._tensor import Tensor

_sequence = itertools.count()
_NUMBERS = (int, float, bool, complex)
_grad_state = grad_mode._state
_ndarray = np.ndarray
_generic = np.generic

# Bound by `_bind_tensor` once `ember._tensor` has defined the class (it imports this module).
_Tensor: Any = None
_make: Callable[[np.ndarray, bool, Optional["Node"]], Any]

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


def _bind_tensor(cls: type) -> None:
    """Called by `ember._tensor` after defining Tensor, which imports this module first."""
    global _Tensor, _make
    _Tensor = cls
    _make = cls._make


class Node:
    """A node of the backward graph (torch's `grad_fn`). `next_functions[i]` is the node that
    receives the gradient of tensor input i, with the output index of that input: `(node, nr)`.

    Stored as `_next`, one entry per forward argument: the node; None for a tensor that needs
    no gradient; False for what torch does not list (an integer or bool tensor, which can have no
    gradient, and an argument that is no tensor, a dim or a number: see `_number_edge`), which
    `next_functions` leaves out. Beside it `_next_nr`, their output indices (None when all are
    0, as they are unless an input came from a multi-output op): no pair tuples per edge, so
    fewer objects for the garbage collector to walk in a large graph.

    `_seq` is the creation number the engine orders by: a node is numbered after every node it
    links to, so its consumers always carry larger numbers."""

    _next: tuple[Union[Node, None, bool], ...] = ()
    _next_nr: Optional[tuple[int, ...]] = None
    _pre_hooks: Optional[dict[int, list[Callable]]] = None
    _num_outputs = 1
    _seq: int

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[Optional[Node], int], ...]:
        nrs = self._next_nr
        if nrs is None:
            return tuple([(n, 0) for n in self._next if n is not False])
        return tuple([(n, nr) for n, nr in zip(self._next, nrs) if n is not False])

    def register_prehook(self, hook: Callable, output_nr: int = 0) -> RemovableHandle:
        """Call `hook(grad)` on the gradient of output `output_nr` before this node runs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return RemovableHandle(self._pre_hooks.setdefault(output_nr, []), hook)

    def _release(self) -> None:
        """Drop what backward needed, after a backward without retain_graph."""

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The node of a leaf tensor: adds the incoming gradient into `variable.grad`.

    The leaf keeps its accumulator alive (one node per leaf, reused by every graph), and the
    accumulator refers back to the leaf weakly, so the pair forms no reference cycle. A leaf
    dropped while a graph still uses it simply receives no gradient; one with a post-accumulate
    hook is held strongly (`_keep`), as the hook needs it."""

    _post_hooks: Optional[list[Callable]] = None
    _keep: Any = None

    def __init__(self, variable: Any) -> None:
        self._variable = weakref.ref(variable)
        self._seq = next(_sequence)

    @property
    def variable(self) -> Any:
        return self._variable()


class BackwardCFunction(Node):
    """The node a Function records (`MulBackward0` ...); it is also the `ctx` of that call.

    `needs_input_grad[i]` is true when forward argument i needs a gradient: bools for a user
    Function, as torch gives; for ember's own ops (array forwards) it is `_next` itself, whose
    entries are true exactly then, so recording builds one tuple instead of two."""

    needs_input_grad: tuple[Any, ...] = ()
    _saved: tuple = ()
    _saved_versions: Sequence[Optional[int]] = ()
    _freed = False
    _non_differentiable: tuple = ()
    _dirty: tuple = ()
    _materialize = True
    _out_meta: Optional[tuple[tuple[tuple[int, ...], np.dtype], ...]] = None
    # a user Function's (shape, dtype) per forward argument (None for non-tensors), for the
    # engine to check the gradients its backward returns as torch's does
    _in_meta: Optional[tuple[Optional[tuple[tuple[int, ...], np.dtype]], ...]] = None
    _forward_cls: type[Function]

    # the ctx API of torch
    def save_for_backward(self, *items: Any) -> None:
        """Keep tensors for backward. On an array forward, pass the input or output arrays
        themselves; other arrays are kept as constants. Each kept tensor is checked at backward
        time for in-place changes."""
        self._saved = items

    @property
    def saved_tensors(self) -> tuple:
        """The saved tensors, checked for in-place changes. Python numbers saved by an array
        forward stay numbers."""
        return _saved_values(self, False)

    def mark_non_differentiable(self, *outputs: Any) -> None:
        self._non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)

    def mark_dirty(self, *tensors: Any) -> None:
        """Declare inputs that forward changed in place (and returns): see `_setup_context`."""
        self._dirty = tensors

    def _release(self) -> None:
        self._saved = ()
        self._saved_versions = ()
        self._freed = True


class _ArrayCtx:
    """The ctx `backward_arrays` gets: a view of its node whose `saved_tensors` gives the saved
    tensors' arrays; every other attribute is the node's. Made by the engine as it calls the
    rule, so the node itself never changes: its `saved_tensors` stay Tensors for anyone else
    reading them (a pre-hook, no_grad code). A proxy rather than an object sharing the node's
    `__dict__`: CPython would build that dict for each node viewed, which measured 4% on W5."""

    # needs_input_grad, which most rules read, is copied in: a slot spares __getattr__
    __slots__ = ("_node", "needs_input_grad")

    @property
    def saved_tensors(self) -> tuple:
        """The saved tensors' arrays, checked for in-place changes; numbers stay numbers."""
        return _saved_values(self._node, True)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._node, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._node, name, value)  # what a rule keeps on ctx lands on its node, as in backward


_new = object.__new__
# the two slots, set through their descriptors (a plain `ctx._node = node` would go through the
# forwarding __setattr__)
_set_node = _ArrayCtx._node.__set__  # type: ignore[attr-defined]
_set_needs = _ArrayCtx.needs_input_grad.__set__  # type: ignore[attr-defined]


def array_ctx(node: BackwardCFunction) -> Any:
    """The ctx its Function's `backward_arrays` takes: the node's array view (`_ArrayCtx`), or
    the node itself when it saved nothing (its `saved_tensors` are () in either form), which
    spares making one for most ops (sums, adds, views)."""
    if not node._saved:
        return node
    ctx = _new(_ArrayCtx)
    _set_node(ctx, node)
    _set_needs(ctx, node.needs_input_grad)
    return ctx


def _saved_values(ctx: BackwardCFunction, arrays: bool) -> tuple:
    """What the node saved, as Tensors or as their arrays (the two `saved_tensors`), with
    torch's errors for values read after backward freed them or changed in place since they
    were saved. Numbers and None (saved with version None) stay as they are."""
    if ctx._freed:
        raise RuntimeError(_FREED)
    out = []
    for item, version in zip(ctx._saved, ctx._saved_versions):
        if version is not None:
            vc = item._vc
            if vc is not None and vc[0] != version:
                raise _modified_error(ctx, item, version)
            if arrays:
                item = item._data
            elif type(item) is _SavedOutput:
                item = item.unpack(ctx)
        out.append(item)
    return tuple(out)


def _modified_error(node: BackwardCFunction, item: Any, version: int) -> RuntimeError:
    t = item.unpack(node) if type(item) is _SavedOutput else item
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{t.dtype.name} {list(t.shape)}] is at version "
        f"{t._version}; expected version {version} instead. Hint: "
        "compute on a copy (.clone()) or do the in-place change after backward."
    )


class _SavedOutput:
    """An output kept for backward without a reference cycle: the array, rebuilt as a Tensor
    whose grad_fn is the node on each use (as torch's SavedVariable does)."""

    __slots__ = ("_data", "output_nr", "_vc", "requires_grad")

    def __init__(self, out: Any) -> None:
        self._data = out._data
        self.output_nr = out._output_nr
        self._vc = out._version_counter  # made now, so that later in-place changes show here
        self.requires_grad = out._requires_grad

    def unpack(self, node: Node) -> Any:
        t = _make(self._data, self.requires_grad, node if self.requires_grad else None)
        t._output_nr = self.output_nr
        t._vc = self._vc
        return t


class _Scratch:
    """The ctx of a call that records no graph: saving is a no-op, attributes are thrown away."""

    needs_input_grad: tuple = ()

    def save_for_backward(self, *items: Any) -> None:
        pass

    def mark_non_differentiable(self, *outputs: Any) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        pass

    def mark_dirty(self, *tensors: Any) -> None:
        pass


class Function:
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grads)`, call `.apply`.

    backward returns one gradient per forward argument (None for non-tensors or where not
    needed; `ctx.needs_input_grad[i]` says which are). A gradient must be a new tensor (or the
    incoming one passed through): the engine may hand it over as a leaf's `.grad` when nothing
    else refers to it. An optional static `backward_arrays(ctx, *grads)` is the same rule on
    NumPy arrays, run when no graph of the backward is wanted (see the module docstring)."""

    _array_forward = False
    # the fast path on arrays, when the op has one (see the module docstring); None: backward
    # runs on Tensors wrapped around the gradient arrays
    backward_arrays: Optional[Callable[..., Any]] = None
    _inline_rule = False
    # the edge a number argument gets: False leaves it out of next_functions; ops whose number
    # operands torch wraps as tensors (add, sub, mul, div, where) set None, listed as (None, 0)
    _number_edge: Optional[bool] = False
    _is_view = False  # outputs that view the first input's memory share its version counter
    _backward_cls: type[BackwardCFunction]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # torch numbers its own ops' nodes (MulBackward0) and not those of user Functions
        name = cls.__dict__.get("backward_name", f"{cls.__name__}Backward{0 if cls._array_forward else ''}")
        cls._backward_cls = type(name, (BackwardCFunction,), {"_forward_cls": cls})
        own = cls.__dict__
        if "backward" in own and "backward_arrays" not in own and cls.backward_arrays is not None:
            raise TypeError(
                f"{cls.__name__} overrides backward but would inherit its parent's backward_arrays: "
                "define backward_arrays too (`backward_arrays = backward` if the rule serves both)"
            )
        # an array rule the engine runs in its loop: the forward is ember's own array kind, so
        # there are no user gradients to check (see engine._call_backward)
        cls._inline_rule = cls._array_forward and cls.backward_arrays is not None
        if "setup_context" in own:
            _setup_context.install(cls)

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function must implement forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError("a Function must implement backward(ctx, *grads) to be differentiated")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        """torch 2 style: override it (with `forward(*args)` taking no ctx) to fill ctx from the
        inputs and the output; see `_setup_context`."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def _forward_ctx(cls, ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """A user forward called with its ctx (`_setup_context.install` replaces it)."""
        return cls.forward(ctx, *args, **kwargs)

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the op: record a node when grad mode is on and an input requires grad, else just
        forward and wrap (the path every backward rule takes, so it is kept short)."""
        if _grad_state.enabled:
            for a in args:
                if isinstance(a, _Tensor) and a._requires_grad:
                    return cls._record(args, kwargs)
        if not cls._array_forward or kwargs:
            return cls._apply_general(args, kwargs)
        # Applied to no Tensor (arrays and numbers), an op is a plain function of arrays: so a
        # backward rule that calls `Op.apply` runs on the engine's gradient arrays as they are.
        # The usual arities are unpacked by hand: a comprehension costs a function call here.
        n = len(args)
        if n == 2:
            a, b = args
            ta, tb = isinstance(a, _Tensor), isinstance(b, _Tensor)
            raw = cls.forward(_Scratch(), a._data if ta else a, b._data if tb else b)
            if not (ta or tb):
                return raw
        elif n == 1:
            a = args[0]
            if not isinstance(a, _Tensor):
                return cls.forward(_Scratch(), a)
            raw = cls.forward(_Scratch(), a._data)
        else:
            arrays = [a._data if isinstance(a, _Tensor) else a for a in args]
            raw = cls.forward(_Scratch(), *arrays)
            if all([x is a for x, a in zip(arrays, args)]):
                return raw
        if type(raw) is not _ndarray and isinstance(raw, _generic):
            raw = np.asarray(raw)  # NumPy gives scalars for 0-d arithmetic
        if type(raw) is _ndarray:
            out = _make(raw, False, None)
            if cls._is_view:
                _share_version(out, args[0])
            return out
        return cls._wrap_unrecorded(args, raw)

    @classmethod
    def _apply_general(cls, args: tuple, kwargs: dict) -> Any:
        """`apply` without recording, for a Tensor forward or keyword arguments."""
        ctx = _Scratch()
        if cls._array_forward:
            raw = cls.forward(ctx, *[a._data if isinstance(a, _Tensor) else a for a in args], **kwargs)
        else:
            ctx.needs_input_grad = tuple([isinstance(a, _Tensor) and a._requires_grad for a in args])
            with grad_mode.no_grad():
                raw = cls._forward_ctx(ctx, *args, **kwargs)
        return cls._wrap_unrecorded(args, raw)

    @classmethod
    def _wrap_unrecorded(cls, args: tuple, raw: Any) -> Any:
        """Outputs of an unrecorded call that are not a single array: tuples, Tensors, scalars."""
        if isinstance(raw, tuple):
            outs = tuple([_wrap_output(o, False, None) for o in raw])
            if cls._is_view:
                for o in outs:
                    _share_version(o, args[0])
            return outs
        out = _wrap_output(raw, False, None)
        if cls._is_view:
            _share_version(out, args[0])
        return out

    @classmethod
    def _record(cls, args: tuple, kwargs: dict) -> Any:
        """Run forward with a node as ctx, make it the grad_fn of the outputs and link it to the
        inputs' nodes, in one pass over the arguments."""
        node = cls._backward_cls()
        nexts: list[Union[Node, None, bool]] = []
        arrays: list[Any] = []
        numbered = False
        for a in args:
            if isinstance(a, _Tensor):
                arrays.append(a._data)
                if a._requires_grad:
                    fn = a.grad_fn
                    if fn is None:
                        fn = a._acc or a._accumulator()
                    elif a._output_nr:
                        numbered = True
                    nexts.append(fn)
                else:  # listed as (None, 0), unless its dtype can have no gradient (an index, a mask)
                    nexts.append(None if a._data.dtype.kind == "f" else False)
            else:
                arrays.append(a)
                nexts.append(cls._number_edge)
        node._next = edges = tuple(nexts)
        node.needs_input_grad = edges if cls._array_forward else tuple([bool(n) for n in edges])
        if numbered:
            node._next_nr = tuple([
                a._output_nr if isinstance(a, _Tensor) and a.grad_fn is not None else 0 for a in args
            ])
        # numbered after the edges: a leaf's accumulator made just now is older than its consumer
        node._seq = next(_sequence)

        if not cls._array_forward:
            node._in_meta = tuple([(a._data.shape, a._data.dtype) if isinstance(a, _Tensor) else None for a in args])
            with grad_mode.no_grad():
                raw = cls._forward_ctx(node, *args, **kwargs)
            if node._dirty:
                _setup_context.check_dirty(node._dirty, args)
        elif kwargs:
            raw = cls.forward(node, *arrays, **kwargs)
        else:
            raw = cls.forward(node, *arrays)

        arr = raw
        if type(arr) is not _ndarray and isinstance(arr, _generic):
            arr = np.asarray(arr)  # NumPy gives scalars for 0-d arithmetic
        if type(arr) is _ndarray and not node._non_differentiable:
            diff = arr.dtype.kind == "f"
            out = _make(arr, diff, node if diff else None)
            if cls._is_view:
                _share_version(out, args[0])
            if node._saved:
                _resolve_saved(node, args, arrays, (raw,), (out,))
            if anomaly._enabled:
                node._trace = anomaly.creation_trace()
            return out
        raws, outs = _record_outputs(node, raw)
        if node._dirty:
            outs = _setup_context.rebase_dirty(node, raws, outs)
        if cls._is_view:
            for o in outs:
                _share_version(o, args[0])
        if node._saved:
            _resolve_saved(node, args, arrays, raws, outs)
        if anomaly._enabled:
            node._trace = anomaly.creation_trace()
        return outs if isinstance(raw, tuple) else outs[0]


def _record_outputs(node: BackwardCFunction, raw: Any) -> tuple[tuple, tuple]:
    """The general case of wrapping outputs: several, Tensors (a user forward), NumPy scalars,
    or some marked non-differentiable. Returns what forward returned and the output Tensors."""
    raws = raw if isinstance(raw, tuple) else (raw,)
    non_diff = node._non_differentiable
    outs = []
    for nr, o in enumerate(raws):
        diff = _is_float(o) and not any(o is n for n in non_diff)
        t = _wrap_output(o, diff, node if diff else None)
        t._output_nr = nr
        outs.append(t)
    if len(outs) > 1:
        node._num_outputs = len(outs)
        node._out_meta = tuple((t._data.shape, t._data.dtype) for t in outs)
    return raws, tuple(outs)


def _is_float(o: Any) -> bool:
    return (o.dtype if isinstance(o, (np.ndarray, np.generic)) else o._data.dtype).kind == "f"


def _wrap_output(o: Any, requires_grad: bool, grad_fn: Optional[Node]) -> Any:
    if isinstance(o, _Tensor):
        return o._alias(requires_grad, grad_fn)
    return _make(o if type(o) is _ndarray else np.asarray(o), requires_grad, grad_fn)


def _share_version(out: Any, source: Any) -> None:
    """A view op's output shares the version counter of the input whose memory it views. Owner
    identity settles the common cases (NumPy points a view's `base` at the owning array);
    `may_share_memory` only the rest."""
    arr, src = out._data, source._data
    base = arr.base
    if base is None:
        return
    if base is src or (base is src.base and base is not None) or np.may_share_memory(arr, src):
        out._version_counter = source._version_counter


def _resolve_saved(node: BackwardCFunction, args: tuple, arrays: list, raws: tuple, outs: tuple) -> None:
    """Turn what forward saved into tensors plus the version each had (for the in-place check).
    An array forward saves arrays: each is matched, by identity, to an input (whose array is in
    `arrays`, aligned with `args`) or an output; an array that is neither is kept as a constant.
    Python numbers stay numbers (they keep their weak dtype in either kind of backward). The
    argument at the item's own position is tried first, as most ops save in argument order: in
    `x * x.detach()` the two inputs hold one array, and each keeps its own."""
    saved = []
    versions = []
    n_args = len(args)
    for k, item in enumerate(node._saved):
        kept = None
        if k < n_args and (item is arrays[k] or item is args[k]):
            kept = args[k]
        else:
            for a, x in zip(args, arrays):
                if item is x or item is a:
                    kept = a
                    break
        if not isinstance(kept, _Tensor):
            if item is None or type(item) in _NUMBERS:
                saved.append(item)
                versions.append(None)
                continue
            kept = _saved_output(node, item, raws, outs)
            if kept is None:  # a Tensor saved by a user Function, or a constant
                kept = item if isinstance(item, _Tensor) else _make(np.asarray(item), False, None)
        saved.append(kept)
        versions.append(0 if kept._vc is None else kept._vc[0])
    node._saved = tuple(saved)
    node._saved_versions = tuple(versions)  # a tuple of ints: the collector stops tracking it


def _saved_output(node: BackwardCFunction, item: Any, raws: tuple, outs: tuple) -> Optional[_SavedOutput]:
    """`item` kept as an output of the node (without a reference cycle), if it is one."""
    for raw, out in zip(raws, outs):
        if item is raw or item is out:
            return _SavedOutput(out)
    return None


from ._once_differentiable import once_differentiable  # noqa: E402  (it subclasses Function)

__all__ = ["Function", "once_differentiable"]
