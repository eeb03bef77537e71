"""Transforms that change an image's kind or dtype, or its values channel by channel:
ToTensor, PILToTensor, ToPILImage, ConvertImageDtype, Normalize, and nptorch's Reshape."""

from __future__ import annotations

from typing import Any, Optional, Sequence

import ember
from ember import Tensor, nn

from . import _convert


class ToTensor:
    """A PIL image or HWC ndarray as a CHW tensor; uint8 pixels become floats in [0, 1] (see
    `functional.to_tensor`)."""

    def __call__(self, pic: Any) -> Tensor:
        return _convert.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PILToTensor:
    """A PIL image as a CHW tensor of its unscaled pixel values (uint8 for 8-bit modes)."""

    def __call__(self, pic: Any) -> Tensor:
        return _convert.pil_to_tensor(pic)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ToPILImage:
    """A CHW tensor or HWC ndarray as a PIL image of `mode` (inferred when None; see
    `functional.to_pil_image`)."""

    def __init__(self, mode: Optional[str] = None) -> None:
        self.mode = mode

    def __call__(self, pic: Any) -> Any:
        return _convert.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        mode = "" if self.mode is None else f"mode={self.mode}"
        return f"{type(self).__name__}({mode})"


class ConvertImageDtype(nn.Module):
    """A tensor image in `dtype`, values rescaled (see `functional.convert_image_dtype`)."""

    def __init__(self, dtype: ember.dtype) -> None:
        super().__init__()
        self.dtype = dtype

    def forward(self, image: Tensor) -> Tensor:
        return _convert.convert_image_dtype(image, self.dtype)


class Normalize(nn.Module):
    """(input[c] - mean[c]) / std[c] for each channel c of a float [..., C, H, W] tensor."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> None:
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor: Tensor) -> Tensor:
        return _convert.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Reshape:
    """nptorch's Reshape: `tensor.reshape(shape)` (e.g. `Reshape((-1,))` flattens an image)."""

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(shape)

    def __call__(self, tensor: Tensor) -> Tensor:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Reshape expects a Tensor. Got {type(tensor)}")
        return tensor.reshape(self.shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self.shape})"
