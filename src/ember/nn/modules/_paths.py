"""Reaching a module's parts by dotted path (`"encoder.layers.0.weight"`): torch's
`get_submodule`, `set_submodule`, `get_parameter` and `get_buffer`, with torch's errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._tensor import Tensor
from ..parameter import Parameter

if TYPE_CHECKING:
    from .module import Module


class DottedPaths:
    """The dotted-path methods of `nn.Module` (its base class; only Modules are instances)."""

    _buffers: dict[str, Any]
    _get_name: Any  # Module's

    def get_submodule(self, target: str) -> "Module":
        """The module at a dotted path, e.g. `model.get_submodule("encoder.layers.0")`."""
        module = self
        for item in target.split(".") if target else ():
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, DottedPaths):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: "Module", strict: bool = False) -> None:
        """Put `module` at a dotted path: replace the module there or, unless `strict`, add it to
        the existing parent, e.g. `model.set_submodule("encoder.0", nn.Linear(3, 3))`."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, DottedPaths):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if hasattr(parent, name):
            if not isinstance(getattr(parent, name), DottedPaths):
                raise AttributeError(f"`{name}` is not an nn.Module")
        elif strict:
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path, e.g. `model.get_parameter("encoder.0.weight")`."""
        owner, name = self._owner_of(target)
        param = getattr(owner, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path, e.g. `model.get_buffer("bn.running_mean")`."""
        owner, name = self._owner_of(target)
        if name not in owner._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(owner, name)

    def _owner_of(self, target: str) -> tuple["Module", str]:
        path, _, name = target.rpartition(".")
        owner = self.get_submodule(path)
        if not hasattr(owner, name):
            raise AttributeError(f"{owner._get_name()} has no attribute `{name}`")
        return owner, name
