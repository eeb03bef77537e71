"""Colour transforms: ColorJitter, Grayscale, RandomGrayscale."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Optional, Union

import ember
from ember import Tensor, nn

from . import _color as F
from ._image import get_dimensions
from ._params import coin, uniform

Range = Union[float, Sequence[float]]


def _check_input(value: Range, name: str, center: float = 1, bound: tuple[float, float] = (0, float("inf")), clip_first_on_zero: bool = True) -> Optional[tuple[float, float]]:
    """ColorJitter's (min, max) factor range: a number v gives [center - v, center + v]; None when
    the range is the identity (only `center`)."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = [float(value[0]), float(value[1])]
    else:
        raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    if value[0] == value[1] == center:
        return None
    return tuple(value)


class ColorJitter(nn.Module):
    """Randomly changes brightness, contrast and saturation (factors uniform on [max(0, 1 - v),
    1 + v] or a given (min, max)) and hue (shift uniform on [-v, v], v <= 0.5), applied in a random
    order."""

    def __init__(self, brightness: Range = 0, contrast: Range = 0, saturation: Range = 0, hue: Range = 0) -> None:
        super().__init__()
        self.brightness = _check_input(brightness, "brightness")
        self.contrast = _check_input(contrast, "contrast")
        self.saturation = _check_input(saturation, "saturation")
        self.hue = _check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def get_params(
        brightness: Optional[Sequence[float]], contrast: Optional[Sequence[float]],
        saturation: Optional[Sequence[float]], hue: Optional[Sequence[float]],
    ) -> tuple[Tensor, Optional[float], Optional[float], Optional[float], Optional[float]]:
        """(order, brightness, contrast, saturation, hue): a random permutation of the four
        adjustments (0 to 3, in that order), then one factor per given range (None otherwise)."""
        fn_idx = ember.randperm(4)
        factors = [None if r is None else uniform(r[0], r[1]) for r in (brightness, contrast, saturation, hue)]
        return (fn_idx, *factors)

    def forward(self, img: Any) -> Any:
        fn_idx, *factors = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        adjust = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)
        for fn_id in fn_idx.tolist():
            if factors[fn_id] is not None:
                img = adjust[fn_id](img, factors[fn_id])
        return img

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
            f"saturation={self.saturation}, hue={self.hue})"
        )


class Grayscale(nn.Module):
    """The image's luma in 1 or 3 channels (see `functional.rgb_to_grayscale`)."""

    def __init__(self, num_output_channels: int = 1) -> None:
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img: Any) -> Any:
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(nn.Module):
    """With probability p, the image's grayscale with as many channels as the input."""

    def __init__(self, p: float = 0.1) -> None:
        super().__init__()
        self.p = p

    def forward(self, img: Any) -> Any:
        num_output_channels = get_dimensions(img)[0]
        if coin(self.p):
            return F.rgb_to_grayscale(img, num_output_channels=num_output_channels)
        return img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"
