"""`Optimizer`: the base of every ember optimizer, with torch's param groups, per-parameter state
and `state_dict` layout, so a checkpoint's structure reads the same in both libraries.

A subclass passes its hyper-parameters as `defaults` and implements `step`. Updates work on the
parameters' NumPy storage in place (no graph is recorded, as under `no_grad`) and bump each
parameter's version counter as torch's in-place updates do.

Constructors take torch's implementation keywords (foreach, fused, capturable, differentiable)
where torch's do, with its defaults, and keep them in the param groups as torch does, so a
state_dict's groups hold the same keys; `_check_implementation_flags` says which values ember
can honour.
"""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Iterable, Optional, Union

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from ..utils.hooks import RemovableHandle

ParamsT = Union[Iterable[Tensor], Iterable[dict[str, Any]], Iterable[tuple[str, Tensor]]]
StateDict = dict[str, Any]


class _RequiredParameter:
    """The default of a hyper-parameter that every param group must give (torch's `required`)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj: Any) -> str:
    """torch.typename: a tensor's legacy type name, else the class, qualified unless a builtin."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _hooked_step(step: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a subclass's `step`: run it under no_grad between the step hooks, and note that it
    ran (a scheduler warns when it is stepped before its optimizer ever was)."""

    @functools.wraps(step)
    def wrapper(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        if self._stepping:  # a subclass's step calling super().step(): hooks run once
            return step(self, *args, **kwargs)
        self._opt_called = self._stepping = True
        try:
            for hook in list(self._step_pre_hooks):
                result = hook(self, args, kwargs)
                if result is not None:
                    args, kwargs = result
            with no_grad():
                out = step(self, *args, **kwargs)
            for hook in list(self._step_post_hooks):
                hook(self, args, kwargs)
        finally:
            self._stepping = False
        return out

    wrapper._ember_hooked = True  # type: ignore[attr-defined]
    return wrapper


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: tensors to optimize, `(name, tensor)` pairs, or dicts defining param groups
            (`{"params": [...], "lr": 0.1}`); a group's missing options come from `defaults`.
        defaults: the optimizer's hyper-parameters.

    >>> opt = ember.optim.SGD([w, b], lr=0.1)
    >>> loss = f(w, b); opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_ember_hooked", False):
            cls.step = _hooked_step(step)  # type: ignore[method-assign]

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._step_pre_hooks: list[Callable[..., Any]] = []
        self._step_post_hooks: list[Callable[..., Any]] = []
        self._opt_called = False
        self._stepping = False
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {_typename(params)}"
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own options) to optimize, e.g. newly unfrozen
        layers during fine-tuning."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        tensors, names = [], []
        for p in params:
            if isinstance(p, tuple):
                names.append(p[0])
                p = p[1]
            tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this "
                "will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        for group in self.param_groups:
            if ("param_names" in group) != ("param_names" in param_group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
            if ids & {id(p) for p in group["params"]}:
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's `.grad`: to None (the default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """Update the parameters once; `closure` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    def state_dict(self) -> StateDict:
        """`{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}`: the
        parameters are replaced by their position across all groups, as torch numbers them.
        The state tensors are the live ones (not copies), as in torch."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)] if isinstance(p, Tensor) else p: s for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Restore what `state_dict` returned (from ember or, with tensors converted, from torch).
        State tensors are copied and cast to their parameter's floating dtype (except "step")."""
        saved_groups = [dict(g) for g in state_dict["param_groups"]]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in self.param_groups)))
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = {k: _cast(param, v, k) for k, v in value.items()}
            else:
                state[key] = value
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups

    def register_step_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` runs before each `step`; it may return new (args, kwargs)."""
        return RemovableHandle(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` runs after each `step`."""
        return RemovableHandle(self._step_post_hooks, hook)

    @staticmethod
    def _closure_loss(closure: Optional[Callable[[], Any]]) -> Optional[Any]:
        """The closure's loss, computed with grad mode on (step itself runs under no_grad)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()


def _cast(param: Tensor, value: Any, key: Any = None) -> Any:
    """A copy of a loaded state value; tensors other than "step" take the parameter's floating
    dtype (torch's rule), containers are copied element by element."""
    if isinstance(value, Tensor):
        data = value._data
        if key != "step" and param.is_floating_point():
            data = data.astype(param._data.dtype)
        else:
            data = data.copy()
        return Tensor._make(data, False, None)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


def _scalar(value: Any) -> float:
    """A hyper-parameter as a Python float (a 1-element tensor lr is allowed, as in torch)."""
    return float(value)


def _new_state(param: Tensor, fill: float = 0.0) -> Tensor:
    """A state tensor shaped and typed like `param`."""
    return Tensor._make(np.full_like(param._data, fill), False, None)


def _lazy_state(state: dict[str, Any], param: Tensor, names: Iterable[str], fill: float = 0.0) -> dict[str, Any]:
    """`state` filled on first use, as torch does at a parameter's first step: a step counter,
    then one `fill`-valued tensor shaped like `param` per name, in that order."""
    if len(state) == 0:
        state["step"] = _new_step()
        for name in names:
            state[name] = _new_state(param, fill)
    return state


def _advance_step(state: dict[str, Any]) -> float:
    """Count one more step in `state["step"]` (in place, as torch's step tensor) and return it."""
    step_t = state["step"]._data
    step_t += 1
    return float(step_t)


def _grad(param: Tensor, maximize: bool, weight_decay: float = 0.0) -> np.ndarray:
    """The gradient the update rule sees: negated when maximizing, plus the L2 term
    `weight_decay * param` (a new array then; the stored `.grad` is never changed)."""
    g = param.grad._data
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * param._data
    return g


def _new_step(value: float = 0.0) -> Tensor:
    """The step counter, or another scalar state (NAdam's mu_product, ASGD's eta and mu): a 0-d
    float tensor (float64 when that is the default dtype, else float32), as torch keeps it."""
    dtype = np.float64 if _dtype.get_default_dtype() is _dtype.float64 else np.float32
    return Tensor._make(np.full((), value, dtype=dtype), False, None)


_UNSUPPORTED = {
    "fused": "fused=True asks for torch's fused device kernels",
    "capturable": "capturable=True asks for an update that CUDA graphs can capture",
    "differentiable": "differentiable=True asks for a step that autograd can differentiate through",
}


def _check_implementation_flags(optimizer: str, **flags: Any) -> None:
    """torch's implementation switches. foreach (any value) and fused=None/False only choose
    among torch's kernels, with the same numbers, so ember keeps them in the param groups and
    computes as always. The others ask for what ember's in-place NumPy update cannot give."""
    for flag, value in flags.items():
        if value:
            raise RuntimeError(
                f"{optimizer}: {_UNSUPPORTED[flag]}, which ember's NumPy backend does not have; "
                f"leave {flag} at its default ({flag}={'None' if flag == 'fused' else 'False'})"
            )


def _check_lr(lr: Any) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_nonneg(name: str, value: float) -> None:
    if not 0.0 <= value:
        raise ValueError(f"Invalid {name} value: {value}")


def _check_betas(betas: tuple[float, float]) -> None:
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start <- start + weight * (end - start), in place, rounding as torch's lerp does (it
    works from the nearer end)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)
