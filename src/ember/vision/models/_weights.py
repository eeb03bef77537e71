"""Pretrained weights: torchvision's `Weights`/`WeightsEnum`, fetched through `ember.hub`.

`resnet18(weights=ResNet18_Weights.IMAGENET1K_V1)` (or `weights="DEFAULT"`, or the deprecated
`pretrained=True`) fetches the checkpoint torchvision publishes, once, into `ember.hub`'s cache
folder, `ember.hub.get_dir()/checkpoints` (`$EMBER_HOME/hub/checkpoints` when EMBER_HOME is set;
`EMBER_HOME=$TORCH_HOME` shares the files torchvision already downloaded). As torchvision does,
the file name's hash part (`resnet18-f37072fd.pth`: `f37072fd`) must prefix the file's sha256.
"""

from __future__ import annotations

import enum
import functools
import inspect
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, TypeVar

from ... import nn
from ...hub import load_state_dict_from_url
from ._meta import _IMAGENET_CATEGORIES
from ._presets import ImageClassification

_MISSING = object()

B = TypeVar("B", bound=Callable[..., Any])
M = TypeVar("M", bound=nn.Module)


@dataclass(eq=False)
class Weights:
    """What a set of pretrained weights is: where it lives (`url`), the preprocessing its model
    expects (`transforms`, a constructor) and facts about it (`meta`: categories, num_params...)."""

    url: str
    transforms: Callable[..., Any]
    meta: dict[str, Any]


class WeightsEnum(enum.Enum):
    """The base of every `<Model>_Weights` enum; each member's value is a `Weights`."""

    @classmethod
    def verify(cls, obj: Any) -> Any:
        """`obj` as a member of this enum: None stays None, a name ("DEFAULT",
        "ResNet18_Weights.IMAGENET1K_V1") is looked up, another enum's member is refused."""
        if obj is None:
            return None
        if type(obj) is str:
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(
                f"Invalid Weight class provided; expected {cls.__name__} but received {obj.__class__.__name__}."
            )
        return obj

    def get_state_dict(self, *args: Any, **kwargs: Any) -> Mapping[str, Any]:
        """The checkpoint at `self.url`, downloaded on first use (`load_state_dict_from_url`)."""
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self) -> str:
        return self.value.url

    @property
    def transforms(self) -> Callable[..., Any]:
        return self.value.transforms

    @property
    def meta(self) -> dict[str, Any]:
        return self.value.meta


def _imagenet1k(file: str, num_params: int, acc1: float, acc5: float, recipe: str, resize_size: int = 256,
                min_size: tuple[int, int] = (1, 1)) -> Weights:
    """The `Weights` of a torchvision ImageNet-1K classifier published as `file`, with its
    validation preset (resize to `resize_size`, center crop 224) and top-1/top-5 accuracy."""
    return Weights(
        url=f"https://download.pytorch.org/models/{file}",
        transforms=functools.partial(ImageClassification, crop_size=224, resize_size=resize_size),
        meta={"min_size": min_size, "categories": list(_IMAGENET_CATEGORIES), "num_params": num_params,
              "recipe": recipe, "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}}},
    )


def handle_legacy_interface(**params: tuple[str, Optional[WeightsEnum]]) -> Callable[[B], B]:
    """Decorate a model builder so that the deprecated `pretrained=True/False` (also passed as the
    first positional argument) still works: it becomes `weights=<the given default>` or
    `weights=None`, with torchvision's deprecation warnings. `params` maps the new parameter to
    (old name, weights for True): `@handle_legacy_interface(weights=("pretrained", W.IMAGENET1K_V1))`."""

    def decorate(builder: B) -> B:
        @functools.wraps(builder)
        def build(*args: Any, **kwargs: Any) -> Any:
            if args:
                kwargs.update(_keyword_only(builder, args))
            for new, (old, default) in params.items():
                given = kwargs.get(new, _MISSING)
                if given is _MISSING and old in kwargs:
                    warnings.warn(f"The parameter '{old}' is deprecated since 0.13 and may be removed in the future, "
                                  f"please use '{new}' instead.")
                    legacy = kwargs.pop(old)
                elif given is not _MISSING and given is not None and not isinstance(given, (WeightsEnum, str)):
                    legacy = given  # the old `pretrained` passed positionally
                else:
                    continue
                chosen = default if legacy else None
                message = (f"Arguments other than a weight enum or `None` for '{new}' are deprecated since 0.13 and "
                           f"may be removed in the future. The current behavior is equivalent to passing "
                           f"`{new}={chosen}`.")
                if legacy:
                    message += (f" You can also use `{new}={type(default).__name__}.DEFAULT` "
                                "to get the most up-to-date weights.")
                warnings.warn(message)
                kwargs[new] = chosen
            return builder(**kwargs)

        return build  # type: ignore[return-value]

    return decorate


def _keyword_only(builder: Callable[..., Any], args: tuple) -> dict[str, Any]:
    """Name the positional `args` after the builder's keyword-only parameters, as torchvision
    still accepts `resnet18(True)` (the old positional `pretrained`) with a warning."""
    names = [p.name for p in inspect.signature(builder).parameters.values() if p.kind is p.KEYWORD_ONLY]
    if len(args) > len(names):
        raise TypeError(f"{builder.__name__}() takes at most {len(names)} positional arguments ({len(args)} given)")
    named = dict(zip(names, args))
    warnings.warn(f"Using {', '.join(map(repr, named))} as positional parameter(s) is deprecated since 0.13 and may "
                  "be removed in the future. Please use keyword parameter(s) instead.")
    return named


def _overwrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    """Set `kwargs[param]` to what the weights need, refusing a caller's different value."""
    if param in kwargs and kwargs[param] != new_value:
        raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    kwargs[param] = new_value


def _build(factory: Callable[..., M], weights: Optional[WeightsEnum], progress: bool, **kwargs: Any) -> M:
    """`factory(**kwargs)` with `weights` loaded (strictly) and `num_classes` set to match them."""
    if weights is not None and weights.meta["categories"] is not None:
        _overwrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = factory(**kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
