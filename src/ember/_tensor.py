"""`Tensor`: an n-dimensional array that records the operations done on it, as torch's does.

A Tensor wraps a private NumPy array (`.numpy()` reaches it) and carries what autograd needs:
`requires_grad`, `grad`, `grad_fn` (the node that made it, None for leaves) and a version counter
that in-place operations bump, so backward can refuse to use a tensor that changed after it was
saved. The operators and methods (in `_tensor_methods.py`) all call the ops in `ember.ops`.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, Iterator, Optional, Sequence, SupportsIndex, Union

import numpy as np

from . import _convert, _dtype, _tensor_str
from ._device import cpu, device, no_backend, on_cpu
from ._size import Size, dim_error
from ._tensor_elementwise import ElementwiseMethods
from ._tensor_methods import TensorMethods
from .autograd import engine as _engine
from .autograd import function as _function
from .autograd.function import AccumulateGrad, Node
from .utils.hooks import RemovableHandle


class Tensor(ElementwiseMethods, TensorMethods):
    """A multi-dimensional array with autograd, spelled like `torch.Tensor`.

    Make one with `ember.tensor(data)`; `ember.Tensor(2, 3)` is torch's legacy constructor
    (an uninitialised float tensor of that shape) and `ember.Tensor([1, 2])` makes float32 data.
    """

    __slots__ = (
        "_data", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_vc",
        "_acc", "_retains_grad", "_view", "__weakref__",
    )
    _data: np.ndarray
    _requires_grad: bool
    _grad: Optional[Tensor]
    grad_fn: Optional[Node]
    _output_nr: int
    _vc: Optional[list[int]]
    _acc: Optional[AccumulateGrad]
    _retains_grad: bool
    _view: Optional[tuple[Tensor, Optional[Callable[[Tensor], Tensor]]]]

    __hash__ = object.__hash__  # == is elementwise, so identity is the only sound hash
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operator

    def __init__(self, *args: Any) -> None:
        self._init(_legacy_data(args, _dtype.get_default_dtype()), False, None)

    def _init(self, data: np.ndarray, requires_grad: bool, grad_fn: Optional[Node]) -> None:
        self._data = data
        self._requires_grad = requires_grad
        self._grad = None
        self.grad_fn = grad_fn
        self._output_nr = 0
        self._vc = None
        self._acc = None
        self._retains_grad = False
        self._view = None

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool, grad_fn: Optional[Node]) -> Tensor:
        """Internal constructor: no checks, no copies. Every op result passes through here, so
        it repeats `_init`'s body instead of calling it (a call costs as much as the stores)."""
        t = _new(cls)
        t._data = data
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = grad_fn
        t._output_nr = 0
        t._vc = None
        t._acc = None
        t._retains_grad = False
        t._view = None
        return t

    def _alias(self, requires_grad: bool, grad_fn: Optional[Node]) -> Tensor:
        """A new Tensor object over the same array and version counter."""
        t = _make(self._data, requires_grad, grad_fn)
        t._vc = self._version_counter
        return t

    # what autograd needs
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, got {self.dtype}; "
                "convert first, e.g. t.float().requires_grad_()"
            )
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Optional[Tensor]:
        return self._grad

    @grad.setter
    def grad(self, value: Optional[Tensor]) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor of size "
                    f"'{list(self._data.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: {value.dtype} vs {self.dtype}")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc[0]

    @property
    def _version_counter(self) -> list[int]:
        """The counter in-place ops add 1 to, shared with views (a one-element list). Made on
        first use: most tensors are never modified in place nor viewed, and a list per tensor
        is one more object for the garbage collector in a large graph; until then `_vc` is None
        and the version is 0."""
        if self._vc is None:
            self._vc = [0]
        return self._vc

    @_version_counter.setter
    def _version_counter(self, counter: list[int]) -> None:
        self._vc = counter

    def _accumulator(self) -> AccumulateGrad:
        """The leaf's AccumulateGrad node, created on first use and kept: every graph the leaf
        enters reuses it (the node refers back to the leaf weakly, so there is no cycle)."""
        if self._acc is None:
            self._acc = AccumulateGrad(self)
        return self._acc

    def backward(
        self,
        gradient: Optional[Tensor] = None,
        retain_graph: Optional[bool] = None,
        create_graph: bool = False,
        inputs: Optional[Union[Tensor, Sequence[Tensor]]] = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into each leaf's `.grad` (only `inputs`' if given)."""
        if inputs is not None:
            inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        roots = (self,)
        grads = _engine.grad_roots(roots, None if gradient is None else (gradient,), create_graph)
        _engine.run_backward(roots, grads, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def retain(grad: Tensor) -> None:
            t = ref()
            if t is not None:
                t._grad = grad.clone() if t._grad is None else t._grad + grad  # keeps the graph under create_graph, as torch

        retain._retains_grad = True  # type: ignore[attr-defined]  # the engine runs it after other hooks
        self.grad_fn.register_prehook(retain, self._output_nr)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook: Callable[[Tensor], Optional[Tensor]]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = self.grad_fn if self.grad_fn is not None else self._accumulator()
        return node.register_prehook(hook, self._output_nr)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        """Call `hook(tensor)` after a leaf's `.grad` has been accumulated."""
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        node = self._accumulator()
        if node._post_hooks is None:
            node._post_hooks = []
            node._keep = self  # the hook receives the leaf, so the graph must keep it alive
        return RemovableHandle(node._post_hooks, hook)

    def detach(self) -> Tensor:
        """The same data (and version counter) cut from the graph."""
        return self._alias(False, None)

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The values without autograd: shares storage, has its own version counter (torch)."""
        return _make(self._data, False, None)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    def _bump_version(self) -> None:
        vc = self._vc
        if vc is None:
            self._vc = [1]  # no view shares a counter not yet made
        else:
            vc[0] += 1

    # array-like basics
    @property
    def shape(self) -> Size:
        """The sizes of the dimensions, an `ember.Size` (ember's own code reads `_data.shape`)."""
        return _tuple_new(Size, self._data.shape)

    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.from_numpy(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> device:
        return cpu

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def size(self, dim: Optional[int] = None) -> Union[Size, int]:
        """`size()` is `shape`, an `ember.Size`; `size(dim)` is one dimension's size, an int."""
        if dim is None:
            return _tuple_new(Size, self._data.shape)
        try:
            return self._data.shape[dim]
        except (IndexError, TypeError):
            raise dim_error(dim, self._data.ndim) from None

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    def element_size(self) -> int:
        return self._data.itemsize

    def item(self) -> Union[float, int, bool]:
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying array, without a copy."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            many = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
        return bool(self._data.item())

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def _scalar(self) -> Union[float, int, bool]:
        """The one value behind float(), int() and complex(); Python's conversions raise
        ValueError for anything else, as torch's do (`item()` raises RuntimeError)."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.item()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 or (spec and self._data.size == 1):
            return format(self._data.item(), spec)
        return format(repr(self), spec)

    def __repr__(self) -> str:
        return _tensor_str.tensor_repr(self)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        """Pickle and `copy.copy`, as torch's: a leaf of the same type, data and requires_grad,
        without `.grad` or graph. The array goes by reference, so `copy.copy` shares storage
        and a pickle round trip gets its own."""
        return _rebuild, (type(self), self._data, self._requires_grad)

    def __deepcopy__(self, memo: dict) -> Tensor:
        """`copy.deepcopy` of a leaf (torch's rule): new storage, same requires_grad, its
        `.grad` deep-copied too; e.g. `copy.deepcopy(optimizer.state_dict())` for a checkpoint."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment. Detach it first: copy.deepcopy(t.detach())."
            )
        copy = _make(self._data.copy(), self._requires_grad, None)
        memo[id(self)] = copy
        if self._grad is not None:
            copy._grad = self._grad.__deepcopy__(memo)
        return copy

    # dtype and device conversion
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """`to(dtype)`, `to(device)`, `to(other_tensor)`, `to(device, dtype)`; copy=False."""
        dtype = _to_dtype(args, kwargs)
        if dtype is None or dtype is self.dtype:
            return self
        return self._cast(dtype)

    def _cast(self, dtype: _dtype.dtype) -> Tensor:
        from .ops.shape import cast

        return cast(self, dtype)

    def type(self, dtype: Optional[_dtype.dtype] = None) -> Union[str, Tensor]:
        if dtype is None:
            return f"ember.{_LEGACY_NAMES[self.dtype.name]}"
        return self.to(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        """Raises `NoCudaError`: ember has no CUDA (see `ember.device`)."""
        raise no_backend("cuda")

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def half(self) -> Tensor:
        return self.to(_dtype.float16)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def int(self) -> Tensor:
        return self.to(_dtype.int32)

    def short(self) -> Tensor:
        return self.to(_dtype.int16)

    def bool(self) -> Tensor:
        return self.to(_dtype.bool_)

    def byte(self) -> Tensor:
        return self.to(_dtype.uint8)

    def char(self) -> Tensor:
        return self.to(_dtype.int8)


_new = object.__new__
_tuple_new = tuple.__new__
_make = Tensor._make
_function._bind_tensor(Tensor)

_LEGACY_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
    "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
}


def _legacy_data(args: tuple, dtype: _dtype.dtype) -> np.ndarray:
    """torch's legacy constructors: `(data)` converts data, `(*sizes)` and `(Size)` allocate
    uninitialised, `()` is empty (shape (0,))."""
    if not args:
        return np.empty(0, dtype=dtype.numpy)
    if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
        return _convert.array_from_data(args[0], dtype, copy=True)
    shape = args[0] if isinstance(args[0], Size) else args
    return np.empty(tuple(int(s) for s in shape), dtype=dtype.numpy)


def _legacy(dtype: _dtype.dtype) -> type:
    def __new__(cls: type, *args: Any) -> Tensor:
        return Tensor._make(_legacy_data(args, dtype), False, None)

    return type(_LEGACY_NAMES[dtype.name], (), {"__new__": __new__, "__doc__": f"Legacy constructor of {dtype} tensors."})


def _rebuild(cls: type, data: np.ndarray, requires_grad: bool) -> Tensor:
    """What `Tensor.__reduce_ex__` names to rebuild a pickled or copied tensor."""
    return cls._make(data, requires_grad, None)


FloatTensor = _legacy(_dtype.float32)
DoubleTensor = _legacy(_dtype.float64)
LongTensor = _legacy(_dtype.int64)
IntTensor = _legacy(_dtype.int32)
BoolTensor = _legacy(_dtype.bool_)
ByteTensor = _legacy(_dtype.uint8)


def _to_dtype(args: Sequence[Any], kwargs: dict[str, Any]) -> Optional[_dtype.dtype]:
    """The dtype asked of `to(...)` (Tensor.to and Module.to): given directly, by keyword, or
    as another tensor's; devices are checked (a device ember lacks raises) and otherwise ignored."""
    dtype = kwargs.get("dtype")
    for a in list(args) + [kwargs.get("device")]:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is not None:
            on_cpu(a)
    return dtype
