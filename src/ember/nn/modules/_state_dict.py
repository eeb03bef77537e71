"""Saving and loading a Module's state, with torch's keys, order and error messages.

A state_dict maps dotted names (`0.weight`, `encoder.norm.running_mean`) to tensors: each module
contributes its parameters, then its persistent buffers, then its children's entries under
`child_name.`. Loading walks the same tree and copies each value into the tensor already there,
so optimizers that hold the parameters keep working.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any, Mapping, Optional

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter

if TYPE_CHECKING:
    from .module import Module


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: the keys the module wanted but did not get, and the
    keys it got but has no place for."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def own_state(module: Module) -> dict[str, Tensor]:
    """The module's own parameters, then its persistent buffers, by name (Nones left out)."""
    state = {k: v for k, v in module._parameters.items() if v is not None}
    skip = module._non_persistent_buffers_set
    state.update((k, v) for k, v in module._buffers.items() if v is not None and k not in skip)
    return state


def save(module: Module, destination: dict, prefix: str, keep_vars: bool) -> dict:
    for name, value in own_state(module).items():
        destination[prefix + name] = value if keep_vars else value.detach()
    for name, child in module._modules.items():
        if child is not None:
            save(child, destination, prefix + name + ".", keep_vars)
    return destination


def load(module: Module, state_dict: Mapping[str, Any], strict: bool, assign: bool) -> _IncompatibleKeys:
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    missing: list[str] = []
    unexpected: list[str] = []
    errors: list[str] = []
    for prefix, m in module.named_modules(remove_duplicate=False):
        # keys are always collected (strict=True below, as torch does); `strict` decides whether they are errors
        m._load_from_state_dict(state_dict, prefix + "." if prefix else "", True, assign, missing, unexpected, errors)
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(module._get_name(), "\n\t".join(errors)))
    return _IncompatibleKeys(missing, unexpected)


def load_own(
    module: Module, state_dict: Mapping[str, Any], prefix: str, strict: bool, assign: bool,
    missing: list[str], unexpected: list[str], errors: list[str],
) -> None:
    """Load one module's own members from the keys under `prefix`; note what is missing,
    unexpected or wrongly shaped."""
    own = own_state(module)
    for name, current in own.items():
        key = prefix + name
        if key not in state_dict:
            if strict:
                missing.append(key)
            continue
        value = _as_tensor(state_dict[key])
        if value is None:
            errors.append(
                f'While copying the parameter named "{key}", expected a Tensor or array-like object from '
                f"checkpoint but received {type(state_dict[key])}"
            )
            continue
        if current.ndim == 0 and value.shape == (1,):
            value = value.reshape(())
        if value.shape != current.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                f"the shape in current model is {current.shape}."
            )
        elif not assign:
            with no_grad():
                current.copy_(value)
        elif isinstance(current, Parameter):
            module._parameters[name] = Parameter(value.detach(), current.requires_grad)
        else:
            module._buffers[name] = value.detach()
    if strict:
        for key in state_dict:
            if key.startswith(prefix):
                head, dot, _ = key[len(prefix):].partition(".")
                if (dot and head not in module._modules) or (not dot and head not in own):
                    unexpected.append(key)


def _as_tensor(value: Any) -> Optional[Tensor]:
    """A state_dict value as an ember Tensor: ember tensors as they are, array-likes (NumPy,
    torch) through NumPy; None for anything else."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray) or (hasattr(value, "__array__") and hasattr(value, "shape")):
        array = np.asarray(value.detach() if hasattr(value, "detach") else value)
        return Tensor._make(array, False, None)
    return None
