"""What an image is to the transforms: a PIL image, an HWC NumPy array or a [..., C, H, W] ember
tensor; how to tell them apart, read their sizes, and move tensor pixels in and out of NumPy.

Pillow is imported only when a function needs it, so `import ember.vision.transforms` works
without it; `_pil()` raises an ImportError that names the install command.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

import ember
from ember import Tensor


def _pil() -> ModuleType:
    """`PIL.Image`, imported on first use."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("ember.vision needs Pillow for PIL images: pip install ember[vision]") from e
    return Image


def _is_pil_image(img: Any) -> bool:
    # Without Pillow imported there can be no PIL image, so there is nothing to import here.
    image_module = sys.modules.get("PIL.Image")
    return image_module is not None and isinstance(img, image_module.Image)


def _is_tensor(img: Any) -> bool:
    return isinstance(img, Tensor)


def _check_image(img: Any) -> None:
    """torchvision's message for an input that is neither a tensor nor a PIL image."""
    if not (_is_tensor(img) or _is_pil_image(img)):
        raise TypeError(f"Unexpected type {type(img)}")


def _check_pil(img: Any) -> None:
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def _check_tensor_image(img: Tensor) -> None:
    if img.dim() < 2:
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img: Any) -> list[int]:
    """[channels, height, width] of a tensor ([..., C, H, W]; a 2-d tensor has one channel) or a
    PIL image."""
    if _is_tensor(img):
        _check_tensor_image(img)
        channels = 1 if img.dim() == 2 else img.shape[-3]
        return [channels, img.shape[-2], img.shape[-1]]
    _check_image(img)
    width, height = img.size
    return [len(img.getbands()), height, width]


def get_image_size(img: Any) -> list[int]:
    """[width, height] of a tensor or PIL image."""
    _, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img: Any) -> int:
    """The number of channels of a tensor or PIL image."""
    return get_dimensions(img)[0]


def _array(img: Tensor) -> np.ndarray:
    """The tensor's pixels as a NumPy array (shared, not copied). Transforms computed in NumPy
    (resize, pad, warps, colour) do not track gradients; normalize, crop, flips and erase are
    ember operations and do."""
    return img.detach().numpy()


def _tensor(data: np.ndarray) -> Tensor:
    """A new tensor holding `data` (made contiguous)."""
    return ember.from_numpy(np.ascontiguousarray(data))


def _max_value(dtype: np.dtype) -> float:
    """The largest pixel value of a dtype: 1.0 for floats, the integer maximum otherwise."""
    if dtype.kind in "fb":
        return 1.0
    return int(np.iinfo(dtype).max)


def _compute_in_float(img: Tensor, fn: Callable[[np.ndarray], np.ndarray]) -> Tensor:
    """fn applied to the pixels as float32 (float64 stays float64), cast back to the image's
    dtype; integer results are rounded half to even and clipped to the dtype's range, as torch's
    resampling kernels do for uint8."""
    data = _array(img)
    work = data if data.dtype in (np.float32, np.float64) else data.astype(np.float32)
    out = fn(work)
    if data.dtype.kind in "iu":
        info = np.iinfo(data.dtype)
        out = np.clip(np.round(out), info.min, info.max)
    return _tensor(out.astype(data.dtype))


Fill = Optional[Union[float, Sequence[float], str]]


def _parse_fill(fill: Fill, img: Any, name: str = "fillcolor") -> dict[str, Any]:
    """Pillow's keyword for a fill colour: one value per band (a number repeats), integers except
    for mode F images, as torchvision passes it."""
    bands = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and bands > 1:
        fill = tuple([fill] * bands)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * bands
        elif len(fill) != bands:
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image ({len(fill)} != {bands})")
        fill = tuple(fill)
    if img.mode != "F" and not isinstance(fill, str):
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}
