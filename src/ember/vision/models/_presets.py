"""The evaluation preprocessing a pretrained classifier expects (`weights.transforms()`).

torchvision keeps this preset in `torchvision.transforms._presets`; it lives here so that the
weights enums can name it without importing `ember.vision.transforms` (and Pillow) until the
preset is called.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from ... import Tensor, float32, nn


class ImageClassification(nn.Module):
    """resize(resize_size) -> center_crop(crop_size) -> float in [0, 1] -> normalize(mean, std).

    Takes a PIL image or a uint8/float image tensor (C, H, W) or batch (..., C, H, W), as
    torchvision's `ImageClassification` preset: `ResNet18_Weights.DEFAULT.transforms()(img)`."""

    def __init__(self, *, crop_size: int, resize_size: int = 256,
                 mean: Sequence[float] = (0.485, 0.456, 0.406), std: Sequence[float] = (0.229, 0.224, 0.225),
                 interpolation: Optional[Any] = None, antialias: Optional[bool] = True) -> None:
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img: Any) -> Tensor:
        from ..transforms import InterpolationMode
        from ..transforms import functional as F

        interpolation = self.interpolation if self.interpolation is not None else InterpolationMode.BILINEAR
        img = F.resize(img, self.resize_size, interpolation=interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, float32)
        return F.normalize(img, mean=self.mean, std=self.std)

    def extra_repr(self) -> str:
        return (f"crop_size={self.crop_size}, resize_size={self.resize_size}, mean={self.mean}, std={self.std}, "
                f"interpolation={self.interpolation or 'bilinear'}, antialias={self.antialias}")
