"""torchvision's model registry: `list_models`, `get_model`, `get_model_builder`,
`get_model_weights` and `get_weight`, over the builders that `register_model` records."""

from __future__ import annotations

import fnmatch
import importlib
import inspect
from types import ModuleType
from typing import Any, Callable, Iterable, Optional, TypeVar, Union, get_args

from ... import nn
from ._weights import WeightsEnum

BUILTIN_MODELS: dict[str, Callable[..., nn.Module]] = {}

F = TypeVar("F", bound=Callable[..., nn.Module])


def register_model(name: Optional[str] = None) -> Callable[[F], F]:
    """Record a builder under `name` (its own name by default) for `get_model` and `list_models`."""

    def record(fn: F) -> F:
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn

    return record


def _patterns(filters: Union[Iterable[str], str, None]) -> list[str]:
    return [filters] if isinstance(filters, str) else list(filters or [])


def list_models(module: Optional[ModuleType] = None, include: Union[Iterable[str], str, None] = None,
                exclude: Union[Iterable[str], str, None] = None) -> list[str]:
    """The registered names, sorted: those of `module` (e.g. `ember.vision.models`) if given,
    matching any `include` pattern (fnmatch) if given, and no `exclude` pattern."""
    names = [k for k, fn in BUILTIN_MODELS.items()
             if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__]
    if include is not None:
        names = [k for k in names if any(fnmatch.fnmatch(k, p) for p in _patterns(include))]
    return sorted(k for k in names if not any(fnmatch.fnmatch(k, p) for p in _patterns(exclude)))


def get_model_builder(name: str) -> Callable[..., nn.Module]:
    """The builder registered as `name` (case-insensitive): `get_model_builder("resnet18")`."""
    try:
        return BUILTIN_MODELS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown model {name.lower()}") from None


def get_model(name: str, **config: Any) -> nn.Module:
    """`get_model("resnet50", weights="DEFAULT")`: the builder `name` called with `config`."""
    return get_model_builder(name)(**config)


def get_model_weights(name: Union[Callable[..., nn.Module], str]) -> type[WeightsEnum]:
    """The weights enum of a builder (or of the builder registered as `name`), read from the
    annotation of its `weights` parameter."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    parameters = inspect.signature(fn, eval_str=True).parameters
    if "weights" not in parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    annotation = parameters["weights"].annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. "
                     "Make sure the typing info is correct.")


def get_weight(name: str) -> WeightsEnum:
    """A weights member by its full name: `get_weight("ResNet50_Weights.IMAGENET1K_V2")`."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    enum_class = getattr(importlib.import_module(__package__), enum_name, None)
    if not (isinstance(enum_class, type) and issubclass(enum_class, WeightsEnum)):
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
    return enum_class[value_name]
