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
works as in torch: forward takes and returns Tensors. backward always works on Tensors, so under
`create_graph=True` it records a graph of its own and higher derivatives come for free.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Optional

import numpy as np

from .. import _tensor
from ..utils.hooks import RemovableHandle
from . import anomaly, grad_mode

_sequence = itertools.count()

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class Node:
    """A node of the backward graph (torch's `grad_fn`). `next_functions[i]` is the node that
    receives the gradient of input i, with the output index of that input: `(node, nr)`."""

    __slots__ = ("next_functions", "_seq", "_pre_hooks", "__weakref__")

    def __init__(self) -> None:
        self.next_functions: tuple[tuple[Optional[Node], int], ...] = ()
        self._seq = next(_sequence)
        self._pre_hooks: Optional[dict[int, list[Callable]]] = None

    def name(self) -> str:
        return type(self).__name__

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
    """The node of a leaf tensor: adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable", "_post_hooks")

    def __init__(self, variable: Any) -> None:
        super().__init__()
        self.variable = variable
        self._post_hooks: Optional[list[Callable]] = None


class BackwardCFunction(Node):
    """The node a Function records (`MulBackward0` ...); it is also the `ctx` of that call."""

    __slots__ = (
        "needs_input_grad", "_is_tensor", "_saved", "_saved_versions", "_freed", "_num_outputs",
        "_out_meta", "_non_differentiable", "_materialize", "__dict__",
    )

    _forward_cls: type[Function]

    def __init__(self) -> None:
        super().__init__()
        self._saved: tuple = ()
        self._saved_versions: tuple = ()
        self._freed = False
        self._non_differentiable: tuple = ()
        self._materialize = True

    # the ctx API of torch
    def save_for_backward(self, *items: Any) -> None:
        """Keep tensors for backward. On an array forward, pass the input or output arrays
        themselves; other arrays are kept as constants. Each kept tensor is checked at backward
        time for in-place changes."""
        self._saved = items

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED)
        saved = []
        for item, version in zip(self._saved, self._saved_versions):
            if isinstance(item, _SavedOutput):
                item = item.unpack(self)
            if version is not None and item._version_counter[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: [{item.dtype.name} {list(item.shape)}] is at version "
                    f"{item._version_counter[0]}; expected version {version} instead. Hint: "
                    "compute on a copy (.clone()) or do the in-place change after backward."
                )
            saved.append(item)
        return tuple(saved)

    def mark_non_differentiable(self, *outputs: Any) -> None:
        self._non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)

    def _release(self) -> None:
        self._saved = ()
        self._saved_versions = ()
        self._freed = True


class _SavedOutput:
    """An output kept for backward without a reference cycle: the array, rebuilt as a Tensor
    whose grad_fn is the node on each use (as torch's SavedVariable does)."""

    __slots__ = ("data", "output_nr", "counter", "requires_grad")

    def __init__(self, out: Any) -> None:
        self.data = out._data
        self.output_nr = out._output_nr
        self.counter = out._version_counter
        self.requires_grad = out.requires_grad

    def unpack(self, node: Node) -> Any:
        t = _tensor.Tensor._make(self.data, self.requires_grad, node if self.requires_grad else None)
        t._output_nr = self.output_nr
        t._version_counter = self.counter
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


class Function:
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grads)`, call `.apply`.

    backward returns one gradient per forward argument (None for non-tensors or where not
    needed; `ctx.needs_input_grad[i]` says which are)."""

    _array_forward = False
    _is_view = False  # outputs that view the first input's memory share its version counter
    _backward_cls: type[BackwardCFunction]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("backward_name", f"{cls.__name__}Backward0")
        cls._backward_cls = type(name, (BackwardCFunction,), {"__slots__": (), "_forward_cls": cls})

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function must implement forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError("a Function must implement backward(ctx, *grads) to be differentiated")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        Tensor = _tensor.Tensor
        record = False
        if grad_mode._state.enabled:
            for a in args:
                if isinstance(a, Tensor) and a.requires_grad:
                    record = True
                    break
        ctx = cls._backward_cls() if record else _Scratch()
        raw = cls._run_forward(ctx, args, kwargs)
        if not record:
            if type(raw) is np.ndarray:
                out = Tensor._make(raw, False, None)
            elif not isinstance(raw, tuple):
                out = _wrap_output(raw, False, None)
            else:
                return tuple(_wrap_output(o, False, None) for o in raw)
        else:
            out = cls._record(ctx, args, raw)
        if cls._is_view and np.may_share_memory(out._data, args[0]._data):
            out._version_counter = args[0]._version_counter
        return out

    @classmethod
    def _run_forward(cls, ctx: Any, args: tuple, kwargs: dict) -> Any:
        if cls._array_forward:
            Tensor = _tensor.Tensor
            return cls.forward(ctx, *[a._data if isinstance(a, Tensor) else a for a in args], **kwargs)
        with grad_mode.no_grad():
            return cls.forward(ctx, *args, **kwargs)

    @classmethod
    def _record(cls, ctx: BackwardCFunction, args: tuple, raw: Any) -> Any:
        """Make `ctx` the grad_fn of the outputs and link it to the inputs' nodes."""
        Tensor = _tensor.Tensor
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx._is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.next_functions = tuple(_edge(a) for a in args if isinstance(a, Tensor))
        single = not isinstance(raw, tuple)
        outs = (raw,) if single else raw
        ctx._num_outputs = len(outs)
        non_diff = {id(o) for o in ctx._non_differentiable}
        results = []
        for nr, o in enumerate(outs):
            diff = id(o) not in non_diff and _is_float(o)
            t = _wrap_output(o, diff, ctx if diff else None)
            t._output_nr = nr
            results.append(t)
        ctx._out_meta = tuple((r._data.shape, r._data.dtype) for r in results)
        if anomaly._enabled:
            ctx._trace = anomaly.creation_trace()
        _resolve_saved(ctx, args, outs, results)
        return results[0] if single else tuple(results)


def _is_float(o: Any) -> bool:
    return (o.dtype if isinstance(o, (np.ndarray, np.generic)) else o._data.dtype).kind == "f"


def _wrap_output(o: Any, requires_grad: bool, grad_fn: Optional[Node]) -> Any:
    Tensor = _tensor.Tensor
    if isinstance(o, Tensor):
        return o._alias(requires_grad, grad_fn)
    return Tensor._make(o if isinstance(o, np.ndarray) else np.asarray(o), requires_grad, grad_fn)


def _edge(t: Any) -> tuple[Optional[Node], int]:
    """Where the gradient of input tensor t goes: its grad_fn, or its leaf accumulator."""
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t.requires_grad:
        return (t._accumulator(), 0)
    return (None, 0)


def _resolve_saved(ctx: BackwardCFunction, args: tuple, outs: tuple, results: list) -> None:
    """Turn what forward saved into tensors plus the version each had (for the in-place check)."""
    if not ctx._saved:
        return
    Tensor = _tensor.Tensor
    saved, versions = [], []
    for item in ctx._saved:
        target = _find(item, args, outs, results)
        if target is None:
            saved.append(item if isinstance(item, Tensor) or item is None else Tensor._make(np.asarray(item), False, None))
            versions.append(None)
        elif target[0] == "out":
            out = target[1]
            saved.append(_SavedOutput(out))
            versions.append(out._version_counter[0])
        else:
            t = target[1]
            saved.append(t)
            versions.append(t._version_counter[0])
    ctx._saved = tuple(saved)
    ctx._saved_versions = tuple(versions)


def _find(item: Any, args: tuple, outs: tuple, results: list) -> Optional[tuple[str, Any]]:
    Tensor = _tensor.Tensor
    for o, r in zip(outs, results):
        if item is o or item is r:
            return ("out", r)
    for a in args:
        if isinstance(a, Tensor) and (item is a or item is a._data):
            return ("in", a)
    if isinstance(item, Tensor):
        return ("in", item)
    return None
