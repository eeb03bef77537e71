"""Functional colour adjustments on PIL images (through Pillow's ImageEnhance and HSV
conversion, as torchvision) and on [..., 1 or 3, H, W] tensors (blends computed in NumPy with
torchvision's formulas; integer images are truncated back to their dtype)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._convert import convert_image_dtype
from ._image import _array, _check_pil, _check_tensor_image, _is_tensor, _max_value, _pil, _tensor, get_dimensions

# ITU-R 601-2 luma weights of R, G and B, as torchvision's tensor kernels use them
_LUMA = (0.2989, 0.587, 0.114)


def _check_channels(img: Any, permitted: list[int]) -> None:
    channels = get_dimensions(img)[0]
    if channels not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {channels}")


def _work_dtype(data: np.ndarray) -> np.dtype:
    """The dtype tensor colour maths runs in: the image's own if float, float32 otherwise."""
    return data.dtype if data.dtype.kind == "f" else np.dtype(np.float32)


def _luma(data: np.ndarray) -> np.ndarray:
    """The [..., 1, H, W] luma of [..., 3, H, W] data, computed in the working dtype and cast back
    (truncating integers) to data's dtype, as torchvision does."""
    work = data.astype(_work_dtype(data))
    r, g, b = work[..., 0:1, :, :], work[..., 1:2, :, :], work[..., 2:3, :, :]
    return (_LUMA[0] * r + _LUMA[1] * g + _LUMA[2] * b).astype(data.dtype)


def rgb_to_grayscale(img: Any, num_output_channels: int = 1) -> Any:
    """The image's luma, 0.2989 R + 0.587 G + 0.114 B (Pillow's L conversion for PIL images),
    repeated over `num_output_channels` (1 or 3) channels."""
    if not _is_tensor(img):
        return to_grayscale(img, num_output_channels)
    if img.dim() < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.dim()}")
    _check_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    data = _array(img)
    gray = _luma(data) if data.shape[-3] == 3 else data.copy()
    if num_output_channels == 3:
        gray = np.broadcast_to(gray, data.shape)
    return _tensor(gray)


def to_grayscale(img: Any, num_output_channels: int = 1) -> Any:
    """A PIL image converted to mode L, or to RGB with three equal channels."""
    _check_pil(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    gray = img.convert("L")
    if num_output_channels == 1:
        return gray
    return _pil().merge("RGB", (gray, gray, gray))


def _blend(data: np.ndarray, other: np.ndarray, ratio: float) -> np.ndarray:
    """ratio * data + (1 - ratio) * other, clamped to the dtype's pixel range, in data's dtype."""
    work = _work_dtype(data)
    ratio = work.type(ratio)
    mixed = ratio * data.astype(work) + (1 - ratio) * other.astype(work)
    return np.clip(mixed, 0, _max_value(data.dtype)).astype(data.dtype)


def _checked_pixels(img: Any, name: str, factor: float) -> np.ndarray:
    """The pixels of a [..., 1 or 3, H, W] tensor, once the factor is known non-negative."""
    if factor < 0:
        raise ValueError(f"{name} ({factor}) is not non-negative.")
    _check_tensor_image(img)
    _check_channels(img, [1, 3])
    return _array(img)


def _enhance(img: Any, enhancer: str, factor: float) -> Any:
    """Pillow's ImageEnhance.<enhancer>(img).enhance(factor), as torchvision uses for PIL images."""
    _check_pil(img)
    from PIL import ImageEnhance

    return getattr(ImageEnhance, enhancer)(img).enhance(factor)


def adjust_brightness(img: Any, brightness_factor: float) -> Any:
    """The image times brightness_factor (0 gives black, 1 the original), clamped."""
    if not _is_tensor(img):
        return _enhance(img, "Brightness", brightness_factor)
    data = _checked_pixels(img, "brightness_factor", brightness_factor)
    return _tensor(_blend(data, np.zeros_like(data), brightness_factor))


def adjust_contrast(img: Any, contrast_factor: float) -> Any:
    """The image blended with its mean gray level: factor 0 gives a solid gray image, 1 the
    original, 2 doubles the contrast."""
    if not _is_tensor(img):
        return _enhance(img, "Contrast", contrast_factor)
    data = _checked_pixels(img, "contrast_factor", contrast_factor)
    gray = _luma(data) if data.shape[-3] == 3 else data
    mean = gray.astype(_work_dtype(data)).mean(axis=(-3, -2, -1), keepdims=True)
    return _tensor(_blend(data, mean, contrast_factor))


def adjust_saturation(img: Any, saturation_factor: float) -> Any:
    """The image blended with its grayscale: factor 0 gives gray, 1 the original, 2 doubles the
    saturation. A one-channel image is returned as it is."""
    if not _is_tensor(img):
        return _enhance(img, "Color", saturation_factor)
    data = _checked_pixels(img, "saturation_factor", saturation_factor)
    if data.shape[-3] == 1:
        return img
    return _tensor(_blend(data, _luma(data), saturation_factor))


def _rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """[..., 3, H, W] RGB in [0, 1] to HSV, all three in [0, 1] (hue 0 where the pixel is gray)."""
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    maxc, minc = rgb.max(axis=-3), rgb.min(axis=-3)
    chroma = maxc - minc
    gray = chroma == 0
    saturation = chroma / np.where(gray, 1, maxc)
    safe = np.where(gray, 1, chroma)
    rc, gc, bc = (maxc - r) / safe, (maxc - g) / safe, (maxc - b) / safe
    hue = np.where(maxc == r, bc - gc, np.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    hue = np.fmod(hue / 6.0 + 1.0, 1.0)
    return np.stack([hue, saturation, maxc], axis=-3).astype(rgb.dtype)


def _hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    h, s, v = hsv[..., 0, :, :], hsv[..., 1, :, :], hsv[..., 2, :, :]
    sector = np.floor(h * 6.0)
    f = h * 6.0 - sector
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    sector = sector.astype(np.int64) % 6
    r = np.choose(sector, [v, q, p, p, t, v])
    g = np.choose(sector, [t, v, v, q, p, p])
    b = np.choose(sector, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-3).astype(hsv.dtype)


def adjust_hue(img: Any, hue_factor: float) -> Any:
    """The image with its hue rotated by hue_factor turns (in [-0.5, 0.5]) in HSV space;
    saturation and value are kept. Grayscale images are returned as they are."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not _is_tensor(img):
        _check_pil(img)
        if img.mode in ("L", "1", "I", "F"):
            return img
        Image = _pil()
        h, s, v = img.convert("HSV").split()
        # uint8 arithmetic wraps around, which is the rotation of the hue circle
        shifted = np.array(h, dtype=np.uint8) + np.array(int(hue_factor * 255)).astype(np.uint8)
        return Image.merge("HSV", (Image.fromarray(shifted, "L"), s, v)).convert(img.mode)
    _check_tensor_image(img)
    _check_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    hsv = _rgb_to_hsv(_array(convert_image_dtype(img)))
    hsv[..., 0, :, :] = (hsv[..., 0, :, :] + np.float32(hue_factor)) % 1.0
    return convert_image_dtype(_tensor(_hsv_to_rgb(hsv)), img.dtype)
