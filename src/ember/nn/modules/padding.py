"""Padding layers, the module forms of F.pad: `ConstantPad1d/2d/3d`, `ZeroPad1d/2d/3d`,
`ReflectionPad1d/2d/3d`, `ReplicationPad1d/2d/3d`, `CircularPad1d/2d/3d`.

`padding` is one int (the same width on every side) or the widths themselves, last dim first:
(left, right), (left, right, top, bottom), (left, right, top, bottom, front, back)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Sequence, Union

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [
    "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
]

Widths = Union[int, Sequence[int]]


class _PadNd(Module):
    """F.pad(input, self.padding, mode) with `_nd` padded dims; the repr shows the widths."""

    mode: str
    _nd: int

    def __init__(self, padding: Widths) -> None:
        super().__init__()
        self.padding = tuple(padding) if isinstance(padding, Iterable) else (padding,) * (2 * self._nd)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """Pad with `value`: out[j] = x[j - before] inside, value outside (negative widths crop)."""

    mode = "constant"

    def __init__(self, padding: Widths, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value`: (N, C, W) -> (N, C, W + left + right)."""

    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with `value`: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right)."""

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with `value`: (N, C, D, H, W) -> (N, C, D + front + back, ...)."""

    _nd = 3


class _ZeroPad:
    """Constant padding with 0; the repr shows only the widths, as torch's."""

    def __init__(self, padding: Widths) -> None:
        super().__init__(padding, 0.0)  # type: ignore[call-arg]

    def extra_repr(self) -> str:
        return f"{self.padding}"  # type: ignore[attr-defined]


class ZeroPad1d(_ZeroPad, ConstantPad1d):
    """ConstantPad1d(padding, 0.0)."""


class ZeroPad2d(_ZeroPad, ConstantPad2d):
    """ConstantPad2d(padding, 0.0)."""


class ZeroPad3d(_ZeroPad, ConstantPad3d):
    """ConstantPad3d(padding, 0.0)."""


class ReflectionPad1d(_PadNd):
    """Mirror the last dim without repeating the edge: [1 2 3] (2, 1) -> [3 2 1 2 3 2]; each
    width below the size. Input (C, W) or (N, C, W)."""

    mode, _nd = "reflect", 1


class ReflectionPad2d(_PadNd):
    """Mirror the last two dims without repeating the edges. Input (C, H, W) or (N, C, H, W)."""

    mode, _nd = "reflect", 2


class ReflectionPad3d(_PadNd):
    """Mirror the last three dims without repeating the edges. Input (C, D, H, W) or (N, C, D, H, W)."""

    mode, _nd = "reflect", 3


class ReplicationPad1d(_PadNd):
    """Repeat the edge of the last dim: [1 2 3] (2, 1) -> [1 1 1 2 3 3]. Input (C, W) or (N, C, W)."""

    mode, _nd = "replicate", 1


class ReplicationPad2d(_PadNd):
    """Repeat the edges of the last two dims. Input (C, H, W) or (N, C, H, W)."""

    mode, _nd = "replicate", 2


class ReplicationPad3d(_PadNd):
    """Repeat the edges of the last three dims. Input (C, D, H, W) or (N, C, D, H, W)."""

    mode, _nd = "replicate", 3


class _CircularPadNd(_PadNd):
    """Wrap around: [1 2 3] (2, 1) -> [2 3 1 2 3 1]. Checks the input's rank first, as torch's."""

    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (self._nd + 1, self._nd + 2):
            raise ValueError(f"expected {self._nd + 1}D or {self._nd + 2}D input (got {input.ndim}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Wrap the last dim around. Input (C, W) or (N, C, W)."""

    _nd = 1


class CircularPad2d(_CircularPadNd):
    """Wrap the last two dims around. Input (C, H, W) or (N, C, H, W)."""

    _nd = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last three dims around. Input (C, D, H, W) or (N, C, D, H, W)."""

    _nd = 3
