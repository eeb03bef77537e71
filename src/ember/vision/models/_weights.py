"""Pretrained weights: torchvision's `Weights`/`WeightsEnum` and torch.hub's download-and-cache.

`resnet18(weights=ResNet18_Weights.IMAGENET1K_V1)` (or `weights="DEFAULT"`, or the deprecated
`pretrained=True`) fetches the checkpoint torchvision publishes, once, into the cache folder:

    $EMBER_HOME/hub/checkpoints             when EMBER_HOME is set,
    $XDG_CACHE_HOME/ember/hub/checkpoints   else when XDG_CACHE_HOME is set,
    ~/.cache/ember/hub/checkpoints          otherwise.

TORCH_HOME is not read: ember keeps its own cache and never writes into torch's. The layout is
torch's (`<home>/hub/checkpoints/<file>`), so `EMBER_HOME=$TORCH_HOME` (or `~/.cache/torch`)
shares the files torchvision already downloaded. As torch.hub does, the file name's hash part
(`resnet18-f37072fd.pth`: `f37072fd`) must prefix the file's sha256; the download goes to a
temporary file beside the target and is renamed only when complete and checked.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import hashlib
import inspect
import os
import re
import shutil
import sys
import tempfile
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, TypeVar
from urllib.parse import urlparse

from ... import nn, serialization
from ._meta import _IMAGENET_CATEGORIES
from ._presets import ImageClassification

_HASH_IN_NAME = re.compile(r"-([a-f0-9]*)\.")
_CHUNK = 1 << 16
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


def get_dir() -> str:
    """The hub folder: $EMBER_HOME/hub, $XDG_CACHE_HOME/ember/hub or ~/.cache/ember/hub."""
    home = os.environ.get("EMBER_HOME")
    if home is None:
        home = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "ember")
    return os.path.join(os.path.expanduser(home), "hub")


class _Silent:
    def update(self, n: int) -> None:
        """Nothing to show."""


def _progress_bar(total: Optional[int], enabled: bool) -> Any:
    """A tqdm bar counting bytes on stderr (tqdm is the `vision` extra, imported only to show one),
    or a silent stand-in when `enabled` is False or tqdm is not installed."""
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024)
    return contextlib.nullcontext(_Silent())


def download_url_to_file(url: str, dst: str, hash_prefix: Optional[str] = None, progress: bool = True) -> None:
    """torch.hub's `download_url_to_file`: stream `url` into a temporary file beside `dst`
    (with a tqdm bar on stderr when `progress`), check that its sha256 starts with
    `hash_prefix`, then rename it to `dst`. On any failure no file is left behind."""
    request = urllib.request.Request(url, headers={"User-Agent": "ember.vision"})
    folder = os.path.dirname(os.path.abspath(dst))
    with tempfile.NamedTemporaryFile(delete=False, dir=folder, prefix=os.path.basename(dst) + ".",
                                     suffix=".partial") as partial:
        try:
            sha256 = hashlib.sha256()
            with urllib.request.urlopen(request) as response:
                size = response.headers.get("Content-Length")
                with _progress_bar(int(size) if size else None, progress) as bar:
                    while chunk := response.read(_CHUNK):
                        partial.write(chunk)
                        sha256.update(chunk)
                        bar.update(len(chunk))
            partial.close()
            digest = sha256.hexdigest()
            if hash_prefix is not None and not digest.startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}"): {url} '
                                   "is corrupt or not the published file; nothing was saved, try again")
            shutil.move(partial.name, dst)
        finally:
            partial.close()
            if os.path.exists(partial.name):
                os.remove(partial.name)


def load_state_dict_from_url(url: str, model_dir: Optional[str] = None, map_location: Any = None,
                             progress: bool = True, check_hash: bool = False, file_name: Optional[str] = None,
                             weights_only: bool = True) -> Any:
    """torch.hub's `load_state_dict_from_url`: the object `ember.load` reads from the file
    `url` names, downloaded into `model_dir` (default `get_dir()/checkpoints`) unless already
    there. `check_hash` checks a new download against the hash in its file name. Unlike
    torch.hub, `weights_only` defaults to True: a downloaded file is untrusted input."""
    folder = Path(model_dir) if model_dir is not None else Path(get_dir()) / "checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    cached = folder / (file_name or os.path.basename(urlparse(url).path))
    if not cached.exists():
        sys.stderr.write(f'Downloading: "{url}" to {cached}\n')
        match = _HASH_IN_NAME.search(cached.name) if check_hash else None
        download_url_to_file(url, str(cached), match.group(1) if match else None, progress=progress)
    return serialization.load(cached, map_location=map_location, weights_only=weights_only)
