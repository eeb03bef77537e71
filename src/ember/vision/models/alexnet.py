"""AlexNet (Krizhevsky et al., "ImageNet Classification with Deep Convolutional Neural Networks",
2012), in the single-tower variant of "One weird trick for parallelizing convolutional neural
networks" (Krizhevsky, 2014, arxiv.org/abs/1404.5997) that torchvision ships.

`features`: five convs (11x11 stride 4, 5x5, then three 3x3; 64-192-384-256-256 channels) with
ReLUs and three 3x3 stride-2 max pools; an adaptive average pool to 6x6; `classifier`: Dropout,
Linear(9216, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Linear(4096, num_classes). The layers
keep their default initialisation, as in torchvision.
"""

from __future__ import annotations

from typing import Any, Optional

from ... import Tensor, flatten, nn
from ._api import register_model
from ._weights import WeightsEnum, _build, _imagenet1k, handle_legacy_interface

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet (see the module docstring); `dropout` is the probability of both Dropout layers."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(flatten(self.avgpool(self.features(x)), 1))


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k(
        "alexnet-owt-7be5be79.pth", 61100840, 56.522, 79.066,
        "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg", min_size=(63, 63))
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", AlexNet_Weights.IMAGENET1K_V1))
def alexnet(*, weights: Optional[AlexNet_Weights] = None, progress: bool = True, **kwargs: Any) -> AlexNet:
    """AlexNet (61.1M parameters); `weights`, `progress` and `kwargs` as `resnet18`."""
    return _build(AlexNet, AlexNet_Weights.verify(weights), progress, **kwargs)
