"""Erasing a box of pixels: the `erase` function, RandomErasing (torchvision's, tensors only)
and RandomMask (nptorch's: a random square patch of fixed size, tensors and PIL images)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Optional, Union

import ember
from ember import Tensor, nn

from ._image import _check_pil, _is_tensor, _parse_fill, get_dimensions
from ._params import _check_scale_ratio, _setup_size, area_and_aspect, coin, randint

Value = Union[float, Sequence[float], Tensor]


def erase(img: Tensor, i: int, j: int, h: int, w: int, v: Value, inplace: bool = False) -> Tensor:
    """The tensor image with the h x w box at (i, j) set to v (a number, or a tensor broadcast
    to [..., C, h, w]); `inplace=True` writes into img."""
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    img[..., i: i + h, j: j + w] = v
    return img


class RandomErasing(nn.Module):
    """With probability p, erases a random box of a [..., C, H, W] tensor covering a `scale`
    fraction of its area with aspect ratio (height / width) log-uniform on `ratio`, filling it
    with `value`: a number, one number per channel, or "random" (standard normal noise)."""

    def __init__(
        self, p: float = 0.5, scale: tuple[float, float] = (0.02, 0.33), ratio: tuple[float, float] = (0.3, 3.3),
        value: Union[float, str, Sequence[float]] = 0, inplace: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        _check_scale_ratio(scale, ratio)
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(
        img: Tensor, scale: Sequence[float], ratio: Sequence[float], value: Optional[list[float]] = None,
    ) -> tuple[int, int, int, int, Tensor]:
        """(i, j, h, w, v) of the box to erase: up to 10 tries of a random area and aspect ratio
        that fit strictly inside; v is normal noise when value is None. If no try fits, the whole
        image with v = img (erasing nothing)."""
        img_c, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        for _ in range(10):
            erase_area, aspect_ratio = area_and_aspect(img_h * img_w, scale, ratio)
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = ember.empty(img_c, h, w, dtype=ember.float32).normal_()
            else:
                v = ember.tensor(value).reshape(-1, 1, 1)
            return randint(0, img_h - h + 1), randint(0, img_w - w + 1), h, w, v
        return 0, 0, img_h, img_w, img

    def forward(self, img: Tensor) -> Tensor:
        if not coin(self.p):
            return img
        if isinstance(self.value, str):
            value = None
        elif isinstance(self.value, (list, tuple)):
            value = [float(v) for v in self.value]
        else:
            value = [float(self.value)]
        if value is not None and len(value) not in (1, img.shape[-3]):
            raise ValueError(
                f"If value is a sequence, it should have either a single value or {img.shape[-3]} (number of input channels)"
            )
        x, y, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio, value=value)
        return erase(img, x, y, h, w, v, self.inplace)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
            f"value={self.value}, inplace={self.inplace})"
        )


class RandomMask(nn.Module):
    """nptorch's RandomMask: with probability p, sets a `size` patch (an int for a square, or
    (h, w)) at a uniformly random position fully inside the image to `fill` (0 by default; a
    number, or one value per channel), as cutout augmentation does.

    Takes [..., C, H, W] tensors (the same patch on every image of a batch) and PIL images, and
    returns the same kind; the input is not modified. Draws: one `ember.rand` for p, then the top
    and left corners with `ember.randint`.
    """

    def __init__(self, size: Union[int, Sequence[int]], p: float = 0.5, fill: Union[float, Sequence[float]] = 0) -> None:
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        if min(self.size) <= 0:
            raise ValueError(f"size should be positive, got {self.size}")
        if not 0 <= p <= 1:
            raise ValueError(f"p should be between 0 and 1, got {p}")
        self.p = p
        self.fill = fill

    @staticmethod
    def get_params(img: Any, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """(top, left, height, width) of a size patch placed uniformly inside the image."""
        _, height, width = get_dimensions(img)
        h, w = size
        if h > height or w > width:
            raise ValueError(f"Mask size {(h, w)} is larger than input image size {(height, width)}")
        return randint(0, height - h + 1), randint(0, width - w + 1), h, w

    def forward(self, img: Any) -> Any:
        if not coin(self.p):
            return img
        i, j, h, w = self.get_params(img, self.size)
        if _is_tensor(img):
            fill = self.fill if isinstance(self.fill, numbers.Number) else ember.tensor(self.fill, dtype=img.dtype).reshape(-1, 1, 1)
            return erase(img, i, j, h, w, fill)
        _check_pil(img)
        out = img.copy()
        out.paste(_parse_fill(self.fill, img, name="fill")["fill"], (j, i, j + w, i + h))
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, p={self.p}, fill={self.fill})"
