"""`ember.vision.io`: reading images into uint8 CHW tensors, as `torchvision.io` (decoded by Pillow)."""

from __future__ import annotations

import enum
import io
import os
from typing import Any, Union

import numpy as np

from . import _pil
from .. import _creation, _dtype
from .._tensor import Tensor

__all__ = ["ImageReadMode", "decode_image", "read_file", "read_image"]


class ImageReadMode(enum.Enum):
    """The channels `read_image` returns: as stored (`UNCHANGED`), or converted to grey (1),
    grey and alpha (2), RGB (3) or RGB and alpha (4) channels."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_TARGET_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
                ImageReadMode.RGB_ALPHA: "RGBA"}
# What UNCHANGED keeps 8-bit images as: their own channels, a palette or bilevel image expanded.
_UNCHANGED_MODE = {"L": "L", "LA": "LA", "RGB": "RGB", "RGBA": "RGBA", "1": "L", "P": "RGB", "PA": "RGBA",
                   "La": "LA", "RGBa": "RGBA", "CMYK": "RGB", "YCbCr": "RGB", "LAB": "RGB", "HSV": "RGB"}


def _mode(mode: Union[ImageReadMode, str]) -> ImageReadMode:
    if isinstance(mode, str):
        try:
            return ImageReadMode[mode.upper()]
        except KeyError:
            raise ValueError(f"Unknown image read mode {mode!r}: use one of {[m.name for m in ImageReadMode]}") from None
    if not isinstance(mode, ImageReadMode):
        raise TypeError(f"mode should be an ImageReadMode, got {type(mode).__name__}")
    return mode


def read_file(path: Union[str, "os.PathLike[str]"]) -> Tensor:
    """The bytes of the file at `path` as a 1-d uint8 tensor."""
    with open(path, "rb") as f:
        return _creation.from_numpy(np.frombuffer(bytearray(f.read()), np.uint8))


def decode_image(input: Union[Tensor, str, "os.PathLike[str]"],
                 mode: Union[ImageReadMode, str] = ImageReadMode.UNCHANGED,
                 apply_exif_orientation: bool = False) -> Tensor:
    """Decode an encoded image (a 1-d uint8 tensor of its bytes, or a path) into a uint8 tensor
    (C, H, W) with the channels `mode` asks for; `apply_exif_orientation` rotates it as its EXIF
    orientation tag says. Any format Pillow reads (PNG, JPEG, GIF's first frame, BMP, WebP, ...).

    Raises `RuntimeError` for bytes that are not an image, or for an image of more than 8 bits
    per channel read as `UNCHANGED`."""
    mode = _mode(mode)
    if isinstance(input, Tensor):
        if input.dtype != _dtype.uint8 or input.dim() != 1:
            raise RuntimeError(f"Expected a 1-d uint8 tensor of encoded bytes, got {input.dim()}-d {input.dtype}")
        input = io.BytesIO(input.numpy().tobytes())
    Image = _pil.pil_image()
    try:
        with Image.open(input) as image:
            image.load()
            return _to_chw(_oriented(image) if apply_exif_orientation else image, mode)
    except Image.UnidentifiedImageError as e:
        raise RuntimeError(f"Unsupported image file: Pillow cannot identify it ({e})") from None


def _oriented(image: Any) -> Any:
    from PIL import ImageOps

    return ImageOps.exif_transpose(image)


def _to_chw(image: Any, mode: ImageReadMode) -> Tensor:
    if mode is ImageReadMode.UNCHANGED:
        if image.mode not in _UNCHANGED_MODE:
            raise RuntimeError(f"ember.vision.io reads 8-bit images; this one has PIL mode {image.mode!r}: "
                               "pass mode=ImageReadMode.RGB or GRAY to convert it")
        if image.mode == "P" and "transparency" in image.info:
            target = "RGBA"
        else:
            target = _UNCHANGED_MODE[image.mode]
    else:
        target = _TARGET_MODE[mode]
    if image.mode != target:
        image = image.convert(target)
    array = np.asarray(image, dtype=np.uint8)
    array = array[:, :, None] if array.ndim == 2 else array
    return _creation.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def read_image(path: Union[str, "os.PathLike[str]"], mode: Union[ImageReadMode, str] = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """The image file at `path` as a uint8 tensor (C, H, W): C is 1 (grey), 2 (grey, alpha),
    3 (RGB) or 4 (RGBA), as stored (`ImageReadMode.UNCHANGED`, palette images expanded to RGB or
    RGBA) or converted to `mode`.

    Example::

        img = read_image("cat.png", ImageReadMode.RGB)  # uint8 (3, H, W)
    """
    return decode_image(os.fspath(path), mode, apply_exif_orientation)
