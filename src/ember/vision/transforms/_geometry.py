"""Functional geometry on PIL images and [..., H, W] tensors: resize, crop, center_crop,
resized_crop, pad, hflip, vflip. PIL images go through Pillow's own operations, as in
torchvision; tensors through NumPy with torch's semantics."""

from __future__ import annotations

import numbers
import warnings
from typing import Any, Optional, Sequence, Union

import numpy as np

from ._image import (
    Fill, _array, _check_pil, _check_tensor_image, _compute_in_float, _is_tensor, _parse_fill, _pil, _tensor,
    get_dimensions,
)
from ._interpolation import InterpolationMode, _as_mode, pil_modes_mapping, resample

_PADDING_MODES = ("constant", "edge", "reflect", "symmetric")


def _compute_resized_output_size(image_size: tuple[int, int], size: Optional[Sequence[int]], max_size: Optional[int] = None) -> list[int]:
    """[new_h, new_w]: size (h, w) as given, or one number for the smaller edge keeping the
    aspect ratio (the longer edge truncated), the longer edge then capped at max_size; with size
    None, the longer edge becomes max_size."""
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        new_short, new_long = int(max_size * short / long), max_size
    elif len(size) == 1:
        requested = size[0]
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested size for the smaller edge size, but got size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
    else:
        return [size[0], size[1]]
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return [new_h, new_w]


def resize(
    img: Any,
    size: Optional[Union[int, Sequence[int]]],
    interpolation: Union[InterpolationMode, int] = InterpolationMode.BILINEAR,
    max_size: Optional[int] = None,
    antialias: Optional[bool] = True,
) -> Any:
    """The image resized to `size`: (h, w), or an int (or [int]) for the smaller edge.

    PIL images use `Image.resize` with Pillow's filter for the mode (always antialiased), the
    same pixels as torchvision. Tensors follow torch's `interpolate`; with BILINEAR and antialias
    the weights are Pillow's, computed in floating point, so a uint8 tensor lands within 1 of
    Pillow's 8-bit result (Pillow rounds between its two passes) on every pixel.
    """
    interpolation = _as_mode(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the smaller edge, "
                "i.e. size should be an int or a sequence of length 1 in torchscript mode."
            )
    _, height, width = get_dimensions(img)
    output_size = _compute_resized_output_size((height, width), [size] if isinstance(size, int) else size, max_size)
    if [height, width] == output_size:
        return img
    if not _is_tensor(img):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return img.resize((output_size[1], output_size[0]), pil_modes_mapping[interpolation])
    antialias = bool(antialias) and interpolation in (InterpolationMode.BILINEAR, InterpolationMode.BICUBIC)
    return _compute_in_float(img, lambda data: resample(data, (output_size[0], output_size[1]), interpolation, antialias))


def _padding_ltrb(padding: Union[int, Sequence[int]]) -> list[int]:
    """[left, top, right, bottom] from one number, (left/right, top/bottom) or all four."""
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return list(padding)


def _check_pad_args(padding: Any, fill: Any, padding_mode: Any) -> None:
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (numbers.Number, str, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in _PADDING_MODES:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def _pad_array(data: np.ndarray, ltrb: list[int], mode: str, fill: Any = 0) -> np.ndarray:
    """A [..., H, W] array padded on its last two axes by (left, top, right, bottom) in NumPy's
    `mode`; negative padding crops."""
    left, top, right, bottom = ltrb
    data = data[..., max(-top, 0): data.shape[-2] - max(-bottom, 0), max(-left, 0): data.shape[-1] - max(-right, 0)]
    widths = [(0, 0)] * (data.ndim - 2) + [(max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0))]
    return np.pad(data, widths, mode, **({"constant_values": fill} if mode == "constant" else {}))


def _pad_pil(img: Any, ltrb: list[int], fill: Fill, padding_mode: str) -> Any:
    Image = _pil()
    palette = img.getpalette() if img.mode == "P" else None
    if padding_mode == "constant":
        from PIL import ImageOps

        out = ImageOps.expand(img, border=tuple(ltrb), **_parse_fill(fill, img, name="fill"))
    else:
        hwc = np.asarray(img)
        chw = hwc.transpose(2, 0, 1) if hwc.ndim == 3 else hwc
        padded = _pad_array(chw, ltrb, padding_mode)
        out = Image.fromarray(np.ascontiguousarray(padded.transpose(1, 2, 0) if hwc.ndim == 3 else padded))
    if palette is not None:
        out.putpalette(palette)
    return out


def pad(img: Any, padding: Union[int, Sequence[int]], fill: Fill = 0, padding_mode: str = "constant") -> Any:
    """The image padded by `padding` (one number for all sides, (left/right, top/bottom), or
    (left, top, right, bottom)); negative padding crops.

    padding_mode: constant (with `fill`; a tuple gives one value per band of a PIL image, a
    tensor takes a number), edge (repeat the border pixel), reflect (mirror without repeating
    it: [1, 2, 3] -> [3, 2, 1, 2, 3]) or symmetric (mirror repeating it: [2, 1, 1, 2, 3]).
    """
    if not _is_tensor(img):
        _check_pil(img)
        _check_pad_args(padding, fill, padding_mode)
        return _pad_pil(img, _padding_ltrb(padding), fill, padding_mode)
    _check_tensor_image(img)
    fill = 0 if fill is None else fill
    _check_pad_args(padding, fill, padding_mode)
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    return _tensor(_pad_array(_array(img), _padding_ltrb(padding), padding_mode, fill))


def crop(img: Any, top: int, left: int, height: int, width: int) -> Any:
    """The height x width box at (top, left); parts outside the image are 0."""
    if not _is_tensor(img):
        _check_pil(img)
        return img.crop((left, top, left + width, top + height))
    _check_tensor_image(img)
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0), max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0): bottom, max(left, 0): right], ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _pair(size: Union[int, Sequence[int]]) -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return size[0], size[0]
    return size[0], size[1]


def center_crop(img: Any, output_size: Union[int, Sequence[int]]) -> Any:
    """The centered crop of (h, w) (or a square); a crop larger than the image pads it with 0
    first, as torchvision."""
    crop_height, crop_width = _pair(output_size)
    _, image_height, image_width = get_dimensions(img)
    if crop_width > image_width or crop_height > image_height:
        extra_w, extra_h = max(crop_width - image_width, 0), max(crop_height - image_height, 0)
        img = pad(img, [extra_w // 2, extra_h // 2, (extra_w + 1) // 2, (extra_h + 1) // 2], fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(
    img: Any, top: int, left: int, height: int, width: int, size: Union[int, Sequence[int]],
    interpolation: Union[InterpolationMode, int] = InterpolationMode.BILINEAR, antialias: Optional[bool] = True,
) -> Any:
    """crop(img, top, left, height, width) resized to `size` (as `resize`)."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _flip(img: Any, pil_transpose: str, dim: int) -> Any:
    if not _is_tensor(img):
        _check_pil(img)
        return img.transpose(getattr(_pil().Transpose, pil_transpose))
    _check_tensor_image(img)
    return img.flip(dim)


def hflip(img: Any) -> Any:
    """The image mirrored left to right."""
    return _flip(img, "FLIP_LEFT_RIGHT", -1)


def vflip(img: Any) -> Any:
    """The image mirrored top to bottom."""
    return _flip(img, "FLIP_TOP_BOTTOM", -2)
