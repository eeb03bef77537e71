"""Transforms that resize, crop or pad: Resize, CenterCrop, RandomCrop, RandomResizedCrop, Pad."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Optional, Union

from ember import nn

from . import _geometry as F
from ._image import Fill, get_dimensions
from ._interpolation import InterpolationMode, _as_mode
from ._params import _check_scale_ratio, _setup_size, area_and_aspect, randint

_SIZE_MSG = "Please provide only two dimensions (h, w) for size."
Size = Union[int, Sequence[int]]


class Resize(nn.Module):
    """Resizes to `size`: (h, w), or an int for the smaller edge keeping the aspect ratio (the
    longer edge then capped at `max_size`).

    PIL images get Pillow's `resize` (torchvision's pixels exactly); tensors get torch's
    `interpolate`, and with the default BILINEAR and antialias=True a uint8 tensor is within 1 of
    Pillow's result on every pixel (see `functional.resize`).
    """

    def __init__(
        self, size: Optional[Size], interpolation: Union[InterpolationMode, int] = InterpolationMode.BILINEAR,
        max_size: Optional[int] = None, antialias: Optional[bool] = True,
    ) -> None:
        super().__init__()
        if size is not None and not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        self.interpolation = _as_mode(interpolation)
        self.antialias = antialias

    def forward(self, img: Any) -> Any:
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value}, "
            f"max_size={self.max_size}, antialias={self.antialias})"
        )


class CenterCrop(nn.Module):
    """The centred (h, w) crop (an int gives a square); an image smaller than the crop is padded
    with 0 first."""

    def __init__(self, size: Size) -> None:
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)

    def forward(self, img: Any) -> Any:
        return F.center_crop(img, self.size)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size})"


class RandomCrop(nn.Module):
    """An (h, w) crop at a random position, after optional `padding` (see `functional.pad` for
    `fill` and `padding_mode`); pad_if_needed pads an image smaller than the crop first."""

    def __init__(
        self, size: Size, padding: Optional[Union[int, Sequence[int]]] = None, pad_if_needed: bool = False,
        fill: Fill = 0, padding_mode: str = "constant",
    ) -> None:
        super().__init__()
        self.size = tuple(_setup_size(size, error_msg=_SIZE_MSG))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img: Any, output_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """(top, left, height, width) of a random crop of output_size; top and left are drawn
        with `ember.randint`."""
        _, h, w = get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        return randint(0, h - th + 1), randint(0, w - tw + 1), th, tw

    def forward(self, img: Any) -> Any:
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        return F.crop(img, *self.get_params(img, self.size))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop(nn.Module):
    """A random crop covering a `scale` fraction of the area with aspect ratio in `ratio`
    (log-uniform), resized to `size`; Inception's augmentation."""

    def __init__(
        self, size: Size, scale: tuple[float, float] = (0.08, 1.0), ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: Union[InterpolationMode, int] = InterpolationMode.BILINEAR, antialias: Optional[bool] = True,
    ) -> None:
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)
        _check_scale_ratio(scale, ratio)
        self.interpolation = _as_mode(interpolation)
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img: Any, scale: Sequence[float], ratio: Sequence[float]) -> tuple[int, int, int, int]:
        """(top, left, height, width) of the crop: up to 10 tries of a random area and aspect
        ratio that fit, else the central crop with the aspect ratio clamped to `ratio`."""
        _, height, width = get_dimensions(img)
        for _ in range(10):
            target_area, aspect_ratio = area_and_aspect(height * width, scale, ratio)
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                return randint(0, height - h + 1), randint(0, width - w + 1), h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            w, h = int(round(height * max(ratio))), height
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img: Any) -> Any:
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(size={self.size}, scale={tuple(round(s, 4) for s in self.scale)}, "
            f"ratio={tuple(round(r, 4) for r in self.ratio)}, interpolation={self.interpolation.value}, "
            f"antialias={self.antialias})"
        )


class Pad(nn.Module):
    """Pads every side (see `functional.pad` for padding, fill and padding_mode)."""

    def __init__(self, padding: Union[int, Sequence[int]], fill: Fill = 0, padding_mode: str = "constant") -> None:
        super().__init__()
        F._check_pad_args(padding, fill, padding_mode)
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img: Any) -> Any:
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"
