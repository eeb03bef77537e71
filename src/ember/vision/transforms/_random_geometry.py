"""Random flips, rotations and affine maps: RandomHorizontalFlip, RandomVerticalFlip,
RandomRotation, RandomAffine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional, Union

from ember import nn

from . import _geometry, _warp
from ._image import _is_tensor, get_dimensions
from ._interpolation import InterpolationMode, _as_mode
from ._params import _check_fill, _check_sequence_input, _setup_angle, coin, uniform

Degrees = Union[float, Sequence[float]]


class RandomHorizontalFlip(nn.Module):
    """Mirrors the image left to right with probability p."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = p

    def forward(self, img: Any) -> Any:
        return _geometry.hflip(img) if coin(self.p) else img

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirrors the image top to bottom with probability p."""

    def forward(self, img: Any) -> Any:
        return _geometry.vflip(img) if coin(self.p) else img


def _tensor_fill(img: Any, fill: Any) -> Any:
    """A tensor's fill as one float per channel (a number repeats); PIL images keep it as is."""
    if not _is_tensor(img):
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * get_dimensions(img)[0]
    return [float(f) for f in fill]


class RandomRotation(nn.Module):
    """Rotates by an angle uniform on `degrees` ((min, max), or d for (-d, d)); see
    `functional.rotate` for expand, center and fill."""

    def __init__(
        self, degrees: Degrees, interpolation: Union[InterpolationMode, int] = InterpolationMode.NEAREST,
        expand: bool = False, center: Optional[Sequence[float]] = None, fill: Any = 0,
    ) -> None:
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center
        self.interpolation = _as_mode(interpolation)
        self.expand = expand
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(degrees: Sequence[float]) -> float:
        """An angle uniform on [degrees[0], degrees[1])."""
        return uniform(degrees[0], degrees[1])

    def forward(self, img: Any) -> Any:
        fill = _tensor_fill(img, self.fill)
        angle = self.get_params(self.degrees)
        return _warp.rotate(img, angle, self.interpolation, self.expand, self.center, fill)

    def __repr__(self) -> str:
        s = f"{type(self).__name__}(degrees={self.degrees}, interpolation={self.interpolation.value}, expand={self.expand}"
        s += f", center={self.center}" if self.center is not None else ""
        s += f", fill={self.fill}" if self.fill is not None else ""
        return s + ")"


class RandomAffine(nn.Module):
    """A random affine map keeping the image centre: rotation uniform on `degrees`, translation
    up to translate = (a, b) times the width and height, scale uniform on `scale`, shear uniform
    on `shear` (x only from a number or (min, max); x and y from four numbers)."""

    def __init__(
        self, degrees: Degrees, translate: Optional[Sequence[float]] = None, scale: Optional[Sequence[float]] = None,
        shear: Optional[Degrees] = None, interpolation: Union[InterpolationMode, int] = InterpolationMode.NEAREST,
        fill: Any = 0, center: Optional[Sequence[float]] = None,
    ) -> None:
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear", req_sizes=(2, 4))
        self.interpolation = _as_mode(interpolation)
        self.fill = _check_fill(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(
        degrees: Sequence[float], translate: Optional[Sequence[float]], scale_ranges: Optional[Sequence[float]],
        shears: Optional[Sequence[float]], img_size: Sequence[int],
    ) -> tuple[float, tuple[int, int], float, tuple[float, float]]:
        """(angle, (tx, ty), scale, (shear_x, shear_y)) drawn in that order; img_size is
        (width, height) and translations are whole pixels."""
        angle = uniform(degrees[0], degrees[1])
        if translate is not None:
            max_dx, max_dy = float(translate[0] * img_size[0]), float(translate[1] * img_size[1])
            translations = (int(round(uniform(-max_dx, max_dx))), int(round(uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = 1.0 if scale_ranges is None else uniform(scale_ranges[0], scale_ranges[1])
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img: Any) -> Any:
        fill = _tensor_fill(img, self.fill)
        _, height, width = get_dimensions(img)
        angle, translations, scale, shear = self.get_params(self.degrees, self.translate, self.scale, self.shear, [width, height])
        return _warp.affine(img, angle, list(translations), scale, list(shear), self.interpolation, fill, self.center)

    def __repr__(self) -> str:
        s = f"{type(self).__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        s += f", interpolation={self.interpolation.value}" if self.interpolation != InterpolationMode.NEAREST else ""
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"
