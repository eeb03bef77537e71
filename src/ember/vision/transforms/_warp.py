"""Functional affine warps: rotate and affine. PIL images use Pillow's `rotate` and `transform`
as torchvision does; tensors are sampled as torchvision's `grid_sample` path does (pixel
centres, zeros outside, then blended with `fill` through a sampled all-ones mask)."""

from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Sequence, Union

import numpy as np

from ._image import _check_pil, _check_tensor_image, _compute_in_float, _is_tensor, _parse_fill, _pil, get_dimensions
from ._interpolation import InterpolationMode, _as_mode, pil_modes_mapping

TensorFill = Optional[Union[float, Sequence[float]]]


def _get_inverse_affine_matrix(
    center: Sequence[float], angle: float, translate: Sequence[float], scale: float, shear: Sequence[float],
) -> list[float]:
    """The 2x3 matrix (row-major, 6 numbers) taking output pixel coordinates to input ones for
    the map  T * C * R(angle) * Sh(shear) * S(scale) * C^-1  (angles in degrees, clockwise on
    screen, shear x then y); Pillow's `transform` and the tensor sampler both take this inverse."""
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    # rotation times shear, without the scale; its determinant is 1
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
    return m


def _affine_output_size(matrix: Sequence[float], w: int, h: int) -> tuple[int, int]:
    """(w, h) of the box holding the whole warped image (rotate's expand=True), as Pillow
    computes it; coordinates are truncated to 1e-4 so 1e-15 of rounding does not add a pixel
    (in float32, as torchvision, where 70000 * 1e-4 is exactly 7)."""
    corners = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], dtype=np.float32)
    points = corners @ np.asarray(matrix, dtype=np.float32).reshape(2, 3).T + np.array([0.5 * w, 0.5 * h], dtype=np.float32)
    tol = np.float32(1e-4)
    size = np.ceil(np.trunc(points.max(axis=0) / tol) * tol) - np.floor(np.trunc(points.min(axis=0) / tol) * tol)
    return int(size[0]), int(size[1])


def _sample(data: np.ndarray, x: np.ndarray, y: np.ndarray, nearest: bool) -> np.ndarray:
    """data [..., H, W] read at the (fractional) pixel coordinates x, y of shape (oh, ow);
    positions outside the image read 0."""
    h, w = data.shape[-2:]

    def read(xi: np.ndarray, yi: np.ndarray) -> np.ndarray:
        inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        return data[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)] * inside

    if nearest:
        return read(np.rint(x).astype(np.int64), np.rint(y).astype(np.int64))
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = (x - x0).astype(data.dtype), (y - y0).astype(data.dtype)
    top = read(x0, y0) * (1 - fx) + read(x0 + 1, y0) * fx
    bottom = read(x0, y0 + 1) * (1 - fx) + read(x0 + 1, y0 + 1) * fx
    return top * (1 - fy) + bottom * fy


def _warp_tensor(img: Any, matrix: list[float], interpolation: InterpolationMode, fill: TensorFill, out_size: tuple[int, int]) -> Any:
    _check_tensor_image(img)
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.BILINEAR):
        raise ValueError(f"Interpolation mode '{interpolation.value}' is unsupported with Tensor input")
    channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError(
            f"The number of elements in 'fill' cannot broadcast to match the number of channels of the image ({len(fill)} != {channels})"
        )
    h, w = img.shape[-2:]
    out_w, out_h = out_size
    # output pixel centres relative to the output's centre, mapped into input pixel indices
    xs = np.arange(out_w) - out_w * 0.5 + 0.5
    ys = (np.arange(out_h) - out_h * 0.5 + 0.5)[:, None]
    a, b, c, d, e, f = matrix
    x = a * xs + b * ys + c + (w - 1) * 0.5
    y = d * xs + e * ys + f + (h - 1) * 0.5
    nearest = interpolation is InterpolationMode.NEAREST

    def warp(data: np.ndarray) -> np.ndarray:
        flat = data[None] if data.ndim == 2 else data
        if fill is None:
            out = _sample(flat, x, y, nearest)
        else:
            with_mask = np.concatenate([flat, np.ones_like(flat[..., :1, :, :])], axis=-3)
            sampled = _sample(with_mask, x, y, nearest)
            out, mask = sampled[..., :-1, :, :], sampled[..., -1:, :, :]
            colour = np.asarray(fill if isinstance(fill, (tuple, list)) else [fill], dtype=out.dtype).reshape(-1, 1, 1)
            out = np.where(mask < 0.5, colour, out) if nearest else out * mask + (1 - mask) * colour
        return out[0] if data.ndim == 2 else out

    return _compute_in_float(img, warp)


def _check_warp_args(angle: Any, center: Any) -> None:
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")


def _centred(center: Optional[Sequence[float]], img: Any) -> list[float]:
    """A centre in pixel coordinates as an offset from the image's centre (the tensor sampler's
    origin); None is the image's centre."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def rotate(
    img: Any, angle: float, interpolation: Union[InterpolationMode, int] = InterpolationMode.NEAREST,
    expand: bool = False, center: Optional[Sequence[float]] = None, fill: Any = None,
) -> Any:
    """The image rotated by `angle` degrees counter-clockwise about `center` (default: the image
    centre). expand=True enlarges the output to hold the whole rotated image; `fill` colours the
    area outside it (0 by default)."""
    interpolation = _as_mode(interpolation)
    _check_warp_args(angle, center)
    if not _is_tensor(img):
        _check_pil(img)
        return img.rotate(angle, pil_modes_mapping[interpolation], expand, center, **_parse_fill(fill, img))
    # rotate turns counter-clockwise, the affine matrix's angle clockwise
    matrix = _get_inverse_affine_matrix(_centred(center, img), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    w, h = img.shape[-1], img.shape[-2]
    out_size = _affine_output_size(matrix, w, h) if expand else (w, h)
    return _warp_tensor(img, matrix, interpolation, fill, out_size)


def affine(
    img: Any, angle: float, translate: Sequence[int], scale: float, shear: Union[float, Sequence[float]],
    interpolation: Union[InterpolationMode, int] = InterpolationMode.NEAREST, fill: Any = None,
    center: Optional[Sequence[float]] = None,
) -> Any:
    """The image under rotation by `angle` degrees (clockwise), shear (degrees, x or (x, y)),
    `scale` about `center` (default: the image centre), then translation by `translate` pixels;
    the size is kept and `fill` colours what comes from outside the image."""
    interpolation = _as_mode(interpolation)
    _check_warp_args(angle, center)
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    shear = [float(shear), 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    translate = [1.0 * t for t in translate]
    if not _is_tensor(img):
        _check_pil(img)
        width, height = img.size
        pil_center = [width * 0.5, height * 0.5] if center is None else center
        matrix = _get_inverse_affine_matrix(pil_center, angle, translate, scale, shear)
        return img.transform(img.size, _pil().Transform.AFFINE, matrix, pil_modes_mapping[interpolation], **_parse_fill(fill, img))
    matrix = _get_inverse_affine_matrix(_centred(center, img), angle, translate, scale, shear)
    return _warp_tensor(img, matrix, interpolation, fill, (img.shape[-1], img.shape[-2]))
