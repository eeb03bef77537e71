"""`ember.vision.utils`: `make_grid` tiles a batch of images into one, `save_image` writes it to a
file, as in `torchvision.utils`. Both work on the values (the grid does not track gradients)."""

from __future__ import annotations

import math
import os
from typing import IO, Any, Optional, Union

import numpy as np

from . import _pil
from .. import _creation
from .._tensor import Tensor

__all__ = ["make_grid", "save_image"]


def _as_batch(tensor: Union[Tensor, list[Tensor]]) -> np.ndarray:
    """The images as a NumPy (B, C, H, W) array, a single-channel image repeated to 3 channels."""
    if isinstance(tensor, list):
        for t in tensor:
            if not isinstance(t, Tensor):
                raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        array = np.stack([t.detach().numpy() for t in tensor])
    elif isinstance(tensor, Tensor):
        array = tensor.detach().numpy()
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4:
        raise ValueError(f"make_grid expects images (H, W), (C, H, W) or a batch (B, C, H, W), got shape {array.shape}")
    return np.repeat(array, 3, axis=1) if array.shape[1] == 1 else array


def _normalize(array: np.ndarray, value_range: Optional[tuple[float, float]]) -> np.ndarray:
    """`array` clamped to `value_range` (its own min and max by default), shifted and scaled onto [0, 1]."""
    low, high = value_range if value_range is not None else (float(array.min()), float(array.max()))
    return (np.clip(array, low, high) - low) / max(high - low, 1e-5)


def make_grid(tensor: Union[Tensor, list[Tensor]], nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: Optional[tuple[float, float]] = None, scale_each: bool = False,
              pad_value: float = 0.0) -> Tensor:
    """Tile images into one image (C, H', W'): `nrow` images a row, `padding` pixels of
    `pad_value` around and between them, in reading order.

    `tensor` is a batch (B, C, H, W), a list of same-sized (C, H, W) images, one (C, H, W) image
    or one (H, W) image; single-channel images are repeated to 3 channels. With B images the grid
    has `min(nrow, B)` columns and `ceil(B / columns)` rows, each cell `padding` + H (+ W) wide,
    plus one more `padding` at the bottom and right; a single image is returned as it is.

    `normalize` clamps the values to `value_range` (min, max), or to the batch's own min and max
    (each image's own with `scale_each`), and maps them onto [0, 1].

    Example::

        grid = make_grid(images, nrow=4, normalize=True)  # 16 x (1, 28, 28) -> (3, 122, 122)
    """
    array = _as_batch(tensor)
    if normalize:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        images = [_normalize(image, value_range) for image in array] if scale_each else [_normalize(array, value_range)]
        array = np.stack(images) if scale_each else images[0]
    if array.shape[0] == 1:
        return _creation.from_numpy(np.ascontiguousarray(array[0]))
    count, channels, height, width = array.shape
    columns = min(nrow, count)
    rows = int(math.ceil(count / columns))
    cell_h, cell_w = height + padding, width + padding
    grid = np.full((channels, cell_h * rows + padding, cell_w * columns + padding), pad_value, dtype=array.dtype)
    for k, image in enumerate(array):
        top, left = (k // columns) * cell_h + padding, (k % columns) * cell_w + padding
        grid[:, top:top + height, left:left + width] = image
    return _creation.from_numpy(grid)


def save_image(tensor: Union[Tensor, list[Tensor]], fp: Union[str, "os.PathLike[str]", IO[bytes]],
               format: Optional[str] = None, **kwargs: Any) -> None:
    """Write `make_grid(tensor, **kwargs)` to `fp` (a path or a binary file) as an image file, its
    format from `format` or the file name. Values in [0, 1] map to 0-255 as torchvision does:
    `x * 255 + 0.5`, clamped to [0, 255], truncated to uint8 (so rounded to nearest)."""
    grid = make_grid(tensor, **kwargs).numpy()
    pixels = np.clip(grid * 255 + 0.5, 0, 255).transpose(1, 2, 0).astype(np.uint8)
    _pil.pil_image().fromarray(np.ascontiguousarray(pixels)).save(fp, format=format)
