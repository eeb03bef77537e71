"""`ember.vision`: torchvision's API on ember (datasets, transforms, models, utils, io).

Submodules load on first use, so `import ember` does not import Pillow:
`from ember.vision import datasets, transforms` works as with torchvision.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_SUBMODULES = ("datasets", "transforms", "models", "utils", "io")


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_SUBMODULES))


__all__ = list(_SUBMODULES)
