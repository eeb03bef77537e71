"""MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", 2018,
arxiv.org/abs/1801.04381).

A 3x3 stride-2 conv stem, seventeen inverted residual blocks and a 1x1 conv to 1280 channels, then
global average pooling, Dropout and a Linear classifier. An inverted residual block expands its
input with a 1x1 conv (x t channels), filters each channel with a 3x3 depthwise conv (groups =
channels) and projects back down with a linear 1x1 conv; the input is added back when the shapes
agree. Every conv but the projection is followed by BatchNorm and ReLU6. Names are torchvision's.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from ... import Tensor, flatten, nn
from ...nn import functional as F
from ._api import register_model
from ._weights import WeightsEnum, _build, _imagenet1k, handle_legacy_interface

__all__ = ["MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]

ModuleFactory = Callable[..., nn.Module]


def _make_divisible(v: float, divisor: int, min_value: Optional[int] = None) -> int:
    """`v` rounded to the nearest multiple of `divisor` (at least `min_value`), never more than
    10% below `v`: the channel rounding of the TensorFlow reference implementation."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class Conv2dNormActivation(nn.Sequential):
    """Conv2d (padded to keep the size at stride 1; biased only without a norm), then
    `norm_layer` and `activation_layer` unless None: torchvision's `ops.misc.Conv2dNormActivation`."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 padding: Optional[int] = None, groups: int = 1,
                 norm_layer: Optional[ModuleFactory] = nn.BatchNorm2d,
                 activation_layer: Optional[ModuleFactory] = nn.ReLU, dilation: int = 1,
                 inplace: Optional[bool] = True, bias: Optional[bool] = None) -> None:
        if padding is None:
            padding = (kernel_size - 1) // 2 * dilation
        if bias is None:
            bias = norm_layer is None
        layers: list[nn.Module] = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                                             dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels


class InvertedResidual(nn.Module):
    """x + project(depthwise(expand(x))) when stride is 1 and `inp == oup`, else without the x."""

    def __init__(self, inp: int, oup: int, stride: int, expand_ratio: int,
                 norm_layer: Optional[ModuleFactory] = None) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        norm_layer = norm_layer or nn.BatchNorm2d
        self.stride = stride
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden_dim, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.ReLU6))
        layers += [
            Conv2dNormActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim, norm_layer=norm_layer,
                                 activation_layer=nn.ReLU6),
            nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
            norm_layer(oup),
        ]
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup
        self._is_cn = stride > 1

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNetV2 (see the module docstring). `inverted_residual_setting` lists (t, c, n, s):
    expansion, output channels, repeats, first stride; `width_mult` scales every width, rounded
    to a multiple of `round_nearest`. Convs get kaiming_normal_ (fan_out), norms 1 and 0, the
    Linear N(0, 0.01) and zero bias, as torchvision."""

    def __init__(self, num_classes: int = 1000, width_mult: float = 1.0,
                 inverted_residual_setting: Optional[Sequence[Sequence[int]]] = None, round_nearest: int = 8,
                 block: Optional[ModuleFactory] = None, norm_layer: Optional[ModuleFactory] = None,
                 dropout: float = 0.2) -> None:
        super().__init__()
        block = block or InvertedResidual
        norm_layer = norm_layer or nn.BatchNorm2d
        if inverted_residual_setting is None:
            inverted_residual_setting = [
                [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2],
                [6, 320, 1, 1],
            ]
        if len(inverted_residual_setting) == 0 or len(inverted_residual_setting[0]) != 4:
            raise ValueError("inverted_residual_setting should be non-empty or a 4-element list, "
                             f"got {inverted_residual_setting}")
        input_channel = _make_divisible(32 * width_mult, round_nearest)
        self.last_channel = _make_divisible(1280 * max(1.0, width_mult), round_nearest)
        features: list[nn.Module] = [
            Conv2dNormActivation(3, input_channel, stride=2, norm_layer=norm_layer, activation_layer=nn.ReLU6)
        ]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(block(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t,
                                      norm_layer=norm_layer))
                input_channel = output_channel
        features.append(Conv2dNormActivation(input_channel, self.last_channel, kernel_size=1, norm_layer=norm_layer,
                                             activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x: Tensor) -> Tensor:
        x = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(flatten(x, 1))

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


_RECIPE = "https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv2"


class MobileNet_V2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("mobilenet_v2-b0353104.pth", 3504872, 71.878, 90.286, _RECIPE)
    IMAGENET1K_V2 = _imagenet1k("mobilenet_v2-7ebf99e0.pth", 3504872, 72.154, 90.822,
                                "https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning",
                                resize_size=232)
    DEFAULT = IMAGENET1K_V2


@register_model()
@handle_legacy_interface(weights=("pretrained", MobileNet_V2_Weights.IMAGENET1K_V1))
def mobilenet_v2(*, weights: Optional[MobileNet_V2_Weights] = None, progress: bool = True,
                 **kwargs: Any) -> MobileNetV2:
    """MobileNetV2 (3.5M parameters); `weights`, `progress` and `kwargs` as `resnet18`."""
    return _build(MobileNetV2, MobileNet_V2_Weights.verify(weights), progress, **kwargs)
