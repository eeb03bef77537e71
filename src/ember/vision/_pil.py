"""Pillow, imported on first use so that `import ember.vision` works without it."""

from __future__ import annotations

import functools
from types import ModuleType


@functools.cache  # an import statement per sample costs more than making the sample
def pil_image() -> ModuleType:
    """`PIL.Image`, or an ImportError that names the install command."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("ember.vision needs Pillow to read and write images: pip install ember[vision]") from e
    return Image
