"""`nn.Module`: the base class of every layer, with torch's registration rules and API.

Assigning a `Parameter`, a `Module` or (through `register_buffer`) a Tensor to an attribute
registers it in an insertion-ordered dict, so `parameters()`, `state_dict()` and `repr` list
things in the order the constructor created them, and state_dict keys are torch's
(`0.weight`, `encoder.layers.1.bias`): weights move between ember and torch by name.

    >>> class MLP(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(2, 8)
    ...         self.out = nn.Linear(8, 1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    >>> [name for name, _ in MLP().named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Iterator, Mapping, Optional, TypeVar

from ... import _dtype
from ..._tensor import Tensor, _to_dtype
from ...autograd.grad_mode import no_grad
from ...utils.hooks import RemovableHandle
from ..parameter import Parameter
from . import _hooks, _state_dict
from ._paths import DottedPaths
from ._state_dict import _IncompatibleKeys

M = TypeVar("M", bound="Module")


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (a child's repr nested inside its parent's)."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [" " * spaces + line for line in rest])


def _checked_name(module: Module, kind: str, name: Any, registry: dict[str, Any]) -> None:
    """Refuse, as torch does, a `kind` name that is not a string, holds a dot, is empty, or is
    already an attribute of `module` other than an entry of `registry` (which it may replace)."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f"{kind} name can't contain \".\"" + (f", got: {name}" if kind == "module" else ""))
    if name == "":
        raise KeyError(f"{kind} name can't be empty string \"\"")
    if hasattr(module, name) and name not in registry:
        raise KeyError(f"attribute '{name}' already exists")


class Module(DottedPaths):
    """Base class of layers and models: subclass, register parts in `__init__`, define `forward`.

    Calling the module runs the forward pre-hooks, `forward`, then the forward hooks.
    """

    training: bool
    _parameters: dict[str, Optional[Parameter]]
    _buffers: dict[str, Optional[Tensor]]
    _modules: dict[str, Optional[Module]]

    def __init__(self) -> None:
        self.__dict__.update(
            training=True, _parameters={}, _buffers={}, _non_persistent_buffers_set=set(), _modules={},
            _forward_pre_hooks=[], _forward_hooks=[], _backward_hooks=[], _backward_pre_hooks=[],
        )

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        return _hooks.call_with_hooks(self, args, kwargs)

    # registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params, modules, buffers = d.get("_parameters"), d.get("_modules"), d.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, d, buffers, modules)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' (nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, d, params, buffers)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' (nn.Module or None expected)")
            modules[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' (Tensor or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, *places: Optional[dict]) -> None:
        for place in places:
            if place is not None:
                place.pop(name, None)
        self.__dict__["_non_persistent_buffers_set"].discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for kind in ("_parameters", "_buffers", "_modules"):
            members = d.get(kind)
            if members is not None and name in members:
                return members[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for members in (self._parameters, self._buffers, self._modules):
            if name in members:
                del members[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Register `param` (a Parameter, or None for an absent one such as `bias=False`)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _checked_name(self, "parameter", name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' (nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        """Register a tensor that is state but not learned (BatchNorm's running mean); a
        persistent buffer is saved in the state_dict, a non-persistent one is not."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _checked_name(self, "buffer", name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Optional[Module]) -> None:
        """Register a child module under `name` (what `self.name = module` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _checked_name(self, "module", name, self._modules)
        self._modules[name] = module

    register_module = add_module

    # iteration, in registration order
    def named_modules(
        self, memo: Optional[set] = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module and every descendant, depth first; a module
        reachable twice is listed once unless `remove_duplicate=False`."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, kind: str, prefix: str, recurse: bool, remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()  # by id: a tensor's == is elementwise
        owners = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for owner_prefix, owner in owners:
            for name, value in getattr(owner, kind).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield owner_prefix + ("." if owner_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two layers is listed once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # modes and bulk changes
    def train(self: M, mode: bool = True) -> M:
        """Set training mode here and in every descendant (Dropout and BatchNorm read it)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: M) -> M:
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every parameter's `.grad` (or fill it with zeros when `set_to_none=False`)."""
        for param in self.parameters():
            grad = param.grad
            if grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                grad.detach_()
                grad.zero_()

    def apply(self: M, fn: Callable[[Module], None]) -> M:
        """Call `fn` on every descendant, then on self (e.g. a custom weight initialisation)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply(self: M, fn: Callable[[Tensor], Tensor]) -> M:
        """Replace the data of every parameter (keeping the Parameter objects, so optimizers
        still hold them), of its gradient, and every buffer by `fn` of it."""
        for module in self.children():
            module._apply(fn)
        with no_grad():
            for param in self._parameters.values():
                if param is not None:
                    param._data = fn(param)._data
                    if param.grad is not None:
                        param.grad._data = fn(param.grad)._data
            for name, buf in self._buffers.items():
                if buf is not None:
                    self._buffers[name] = fn(buf)
        return self

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """`to(dtype)`, `to(device)`, `to(tensor)`, `to(device, dtype)`: casts the floating
        parameters and buffers (integer buffers keep their dtype), in place."""
        dtype = _to_dtype(args, kwargs)
        if dtype is None:
            return self
        if not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self: M) -> M:
        return self.to(_dtype.float32)

    def double(self: M) -> M:
        return self.to(_dtype.float64)

    def half(self: M) -> M:
        return self.to(_dtype.float16)

    def cpu(self: M) -> M:
        return self

    def cuda(self: M, device: Any = None) -> M:
        """Raises: ember has no CUDA (an AssertionError and a RuntimeError, see `ember.device`)."""
        return self.to("cuda")

    # state
    def state_dict(self, *, destination: Optional[dict] = None, prefix: str = "", keep_vars: bool = False) -> dict:
        """An OrderedDict of every parameter and persistent buffer by dotted name (detached,
        sharing memory with the module), in torch's key order: own members, then children."""
        return _state_dict.save(self, OrderedDict() if destination is None else destination, prefix, keep_vars)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
        """Copy `state_dict`'s values into the parameters and buffers in place (under no_grad),
        casting to each one's dtype. Values may be ember tensors or anything array-like with a
        shape (NumPy arrays, torch tensors). With `strict`, a missing or unexpected key is an
        error; a wrong shape always is. `assign=True` adopts the given tensors instead.
        Returns `(missing_keys, unexpected_keys)`."""
        return _state_dict.load(self, state_dict, strict, assign)

    def _load_from_state_dict(
        self, state_dict: Mapping[str, Any], prefix: str, strict: bool, assign: bool,
        missing_keys: list[str], unexpected_keys: list[str], error_msgs: list[str],
    ) -> None:
        """Load this module's own members from the keys under `prefix` (children load
        themselves); a layer with a legacy layout overrides this."""
        _state_dict.load_own(self, state_dict, prefix, strict, assign, missing_keys, unexpected_keys, error_msgs)

    # hooks
    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False) -> RemovableHandle:
        """Call `hook(module, args)` before each forward; a returned value replaces the args
        (with `with_kwargs`, `hook(module, args, kwargs)` returns `(args, kwargs)` or None)."""
        return _add_hook(self._forward_pre_hooks, (hook, with_kwargs), prepend)

    def register_forward_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False, always_call: bool = False,
    ) -> RemovableHandle:
        """Call `hook(module, args, output)` after each forward; a returned value replaces the
        output (with `with_kwargs`, `hook(module, args, kwargs, output)`). With `always_call`
        it also runs, with output None, when forward raises."""
        return _add_hook(self._forward_hooks, (hook, with_kwargs, always_call), prepend)

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` when the gradients of the module's
        positional inputs are computed; a returned tuple replaces grad_input (see `_hooks`)."""
        return _add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_output)` when the gradients of the module's outputs arrive,
        before those of its inputs; a returned tuple replaces grad_output."""
        return _add_hook(self._backward_pre_hooks, hook, prepend)

    # printing
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in its repr (its constructor arguments);
        subclasses override it."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_addindent(repr(module), 2)}" for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        if not lines:
            return self._get_name() + "()"
        if len(extra_lines) == 1 and not child_lines:
            return f"{self._get_name()}({extra_lines[0]})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


def _add_hook(hooks: list, entry: tuple, prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(hooks, entry)
    if prepend:
        hooks.insert(0, hooks.pop())
    return handle
