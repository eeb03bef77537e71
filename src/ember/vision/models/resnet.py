"""ResNet (He et al., "Deep Residual Learning for Image Recognition", 2015, arxiv.org/abs/1512.03385),
with ResNeXt's grouped (Xie et al., 2016, arxiv.org/abs/1611.05431) and Wide ResNet's widened
(Zagoruyko & Komodakis, 2016, arxiv.org/abs/1605.07146) bottlenecks.

A stem (7x7 conv, stride 2, then 3x3 max pool, stride 2) feeds four stages of residual blocks;
each block computes relu(F(x) + shortcut(x)), F being two 3x3 convs (`BasicBlock`) or a 1x1-3x3-1x1
bottleneck (`Bottleneck`), and the shortcut the identity or a strided 1x1 conv + norm where the
shape changes. Global average pooling and one Linear layer give the logits. Module names, state_dict
keys and initialisation are torchvision's, so its published checkpoints load unchanged.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Optional, Sequence, Union

from ... import Tensor, flatten, nn
from ._api import register_model
from ._weights import WeightsEnum, _build, _imagenet1k, _overwrite_named_param, handle_legacy_interface

__all__ = [
    "ResNet", "BasicBlock", "Bottleneck", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights",
    "ResNet101_Weights", "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights",
    "ResNeXt101_64X4D_Weights", "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18", "resnet34",
    "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2",
]

NormLayer = Callable[[int], nn.Module]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    """3x3 convolution without bias, padded to keep the size at stride 1."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution without bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), two 3x3 convs (ResNet-18/34)."""

    expansion: int = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Optional[nn.Module] = None,
                 groups: int = 1, base_width: int = 64, dilation: int = 1,
                 norm_layer: Optional[NormLayer] = None) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x)): 1x1 down to
    `width`, 3x3 (strided, grouped, dilated) and 1x1 up to planes * 4 (ResNet-50 and deeper).
    The stride sits on the 3x3 conv, as in torchvision ("ResNet V1.5")."""

    expansion: int = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Optional[nn.Module] = None,
                 groups: int = 1, base_width: int = 64, dilation: int = 1,
                 norm_layer: Optional[NormLayer] = None) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


Block = Union[type[BasicBlock], type[Bottleneck]]


class ResNet(nn.Module):
    """The ResNet trunk for `block` with `layers[i]` blocks in stage i (see the module docstring).

    `groups`/`width_per_group` make ResNeXt/Wide ResNet bottlenecks; `replace_stride_with_dilation`
    (three bools, stages 2-4) trades a stage's stride 2 for dilation; `zero_init_residual` zeroes
    each block's last norm weight so that blocks start as the identity (Goyal et al., 2017)."""

    def __init__(self, block: Block, layers: Sequence[int], num_classes: int = 1000,
                 zero_init_residual: bool = False, groups: int = 1, width_per_group: int = 64,
                 replace_stride_with_dilation: Optional[Sequence[bool]] = None,
                 norm_layer: Optional[NormLayer] = None) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None "
                             f"or a 3-element tuple, got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block: Block, planes: int, blocks: int, stride: int = 1,
                    dilate: bool = False) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                norm_layer(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width,
                        previous_dilation, norm_layer)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                         dilation=self.dilation, norm_layer=norm_layer) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def _forward_impl(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(flatten(self.avgpool(x), 1))

    def forward(self, x: Tensor) -> Tensor:
        return self._forward_impl(x)


_RECIPE = "https://github.com/pytorch/vision/tree/main/references/classification#resnet"
_NEW_RECIPE = "https://github.com/pytorch/vision/issues/3995#new-recipe"


class ResNet18_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnet18-f37072fd.pth", 11689512, 69.758, 89.078, _RECIPE)
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnet34-b627a593.pth", 21797672, 73.314, 91.420, _RECIPE)
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnet50-0676ba61.pth", 25557032, 76.130, 92.862, _RECIPE)
    IMAGENET1K_V2 = _imagenet1k(
        "resnet50-11ad3fa6.pth", 25557032, 80.858, 95.434,
        "https://github.com/pytorch/vision/issues/3995#issuecomment-1013906621", resize_size=232)
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnet101-63fe2227.pth", 44549160, 77.374, 93.546, _RECIPE)
    IMAGENET1K_V2 = _imagenet1k("resnet101-cd907fc2.pth", 44549160, 81.886, 95.780, _NEW_RECIPE, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnet152-394f9c45.pth", 60192808, 78.312, 94.046, _RECIPE)
    IMAGENET1K_V2 = _imagenet1k("resnet152-f82ba261.pth", 60192808, 82.284, 96.002, _NEW_RECIPE, resize_size=232)
    DEFAULT = IMAGENET1K_V2


_RESNEXT = "https://github.com/pytorch/vision/tree/main/references/classification#resnext"
_WIDE = "https://github.com/pytorch/vision/pull/912#issue-445437439"
_FIXRES = "https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres"


class ResNeXt50_32X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnext50_32x4d-7cdf4587.pth", 25028904, 77.618, 93.698, _RESNEXT)
    IMAGENET1K_V2 = _imagenet1k("resnext50_32x4d-1a0047aa.pth", 25028904, 81.198, 95.340, _NEW_RECIPE, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_32X8D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnext101_32x8d-8ba56ff5.pth", 88791336, 79.312, 94.526, _RESNEXT)
    IMAGENET1K_V2 = _imagenet1k("resnext101_32x8d-110c445d.pth", 88791336, 82.834, 96.228, _FIXRES, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_64X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("resnext101_64x4d-173b62eb.pth", 83455272, 83.246, 96.454,
                                "https://github.com/pytorch/vision/pull/5935", resize_size=232)
    DEFAULT = IMAGENET1K_V1


class Wide_ResNet50_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("wide_resnet50_2-95faca4d.pth", 68883240, 78.468, 94.086, _WIDE)
    IMAGENET1K_V2 = _imagenet1k("wide_resnet50_2-9ba9bcbe.pth", 68883240, 81.602, 95.758, _FIXRES, resize_size=232)
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet101_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet1k("wide_resnet101_2-32ee1156.pth", 126886696, 78.848, 94.284, _WIDE)
    IMAGENET1K_V2 = _imagenet1k("wide_resnet101_2-d733dc28.pth", 126886696, 82.510, 96.020, _NEW_RECIPE,
                                resize_size=232)
    DEFAULT = IMAGENET1K_V2


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet18_Weights.IMAGENET1K_V1))
def resnet18(*, weights: Optional[ResNet18_Weights] = None, progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-18 (11.7M parameters); `weights` as torchvision's (`ResNet18_Weights`, a name, or None),
    `progress` shows a download bar, `kwargs` go to `ResNet`."""
    return _build(partial(ResNet, BasicBlock, [2, 2, 2, 2]), ResNet18_Weights.verify(weights), progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet34_Weights.IMAGENET1K_V1))
def resnet34(*, weights: Optional[ResNet34_Weights] = None, progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-34 (21.8M parameters); arguments as `resnet18`."""
    return _build(partial(ResNet, BasicBlock, [3, 4, 6, 3]), ResNet34_Weights.verify(weights), progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet50_Weights.IMAGENET1K_V1))
def resnet50(*, weights: Optional[ResNet50_Weights] = None, progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-50 (25.6M parameters, bottleneck blocks); arguments as `resnet18`."""
    return _build(partial(ResNet, Bottleneck, [3, 4, 6, 3]), ResNet50_Weights.verify(weights), progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet101_Weights.IMAGENET1K_V1))
def resnet101(*, weights: Optional[ResNet101_Weights] = None, progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-101 (44.5M parameters); arguments as `resnet18`."""
    return _build(partial(ResNet, Bottleneck, [3, 4, 23, 3]), ResNet101_Weights.verify(weights), progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet152_Weights.IMAGENET1K_V1))
def resnet152(*, weights: Optional[ResNet152_Weights] = None, progress: bool = True, **kwargs: Any) -> ResNet:
    """ResNet-152 (60.2M parameters); arguments as `resnet18`."""
    return _build(partial(ResNet, Bottleneck, [3, 8, 36, 3]), ResNet152_Weights.verify(weights), progress, **kwargs)


def _bottlenecks(layers: Sequence[int], weights: Optional[WeightsEnum], progress: bool, kwargs: dict[str, Any],
                 width_per_group: int, groups: Optional[int] = None) -> ResNet:
    """A bottleneck ResNet whose blocks have `groups` groups of `width_per_group` channels
    (ResNeXt), or `width_per_group` twice 64 (Wide ResNet); the caller may not ask otherwise."""
    if groups is not None:
        _overwrite_named_param(kwargs, "groups", groups)
    _overwrite_named_param(kwargs, "width_per_group", width_per_group)
    return _build(partial(ResNet, Bottleneck, layers), weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNeXt50_32X4D_Weights.IMAGENET1K_V1))
def resnext50_32x4d(*, weights: Optional[ResNeXt50_32X4D_Weights] = None, progress: bool = True,
                    **kwargs: Any) -> ResNet:
    """ResNeXt-50 32x4d: 32 groups of 4 channels per 64 of a ResNet-50 bottleneck (25.0M parameters)."""
    return _bottlenecks([3, 4, 6, 3], ResNeXt50_32X4D_Weights.verify(weights), progress, kwargs, 4, groups=32)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNeXt101_32X8D_Weights.IMAGENET1K_V1))
def resnext101_32x8d(*, weights: Optional[ResNeXt101_32X8D_Weights] = None, progress: bool = True,
                     **kwargs: Any) -> ResNet:
    """ResNeXt-101 32x8d (88.8M parameters)."""
    return _bottlenecks([3, 4, 23, 3], ResNeXt101_32X8D_Weights.verify(weights), progress, kwargs, 8, groups=32)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNeXt101_64X4D_Weights.IMAGENET1K_V1))
def resnext101_64x4d(*, weights: Optional[ResNeXt101_64X4D_Weights] = None, progress: bool = True,
                     **kwargs: Any) -> ResNet:
    """ResNeXt-101 64x4d (83.5M parameters)."""
    return _bottlenecks([3, 4, 23, 3], ResNeXt101_64X4D_Weights.verify(weights), progress, kwargs, 4, groups=64)


@register_model()
@handle_legacy_interface(weights=("pretrained", Wide_ResNet50_2_Weights.IMAGENET1K_V1))
def wide_resnet50_2(*, weights: Optional[Wide_ResNet50_2_Weights] = None, progress: bool = True,
                    **kwargs: Any) -> ResNet:
    """Wide ResNet-50-2: a ResNet-50 with bottlenecks twice as wide, 2048-1024-2048 in the last (68.9M parameters)."""
    return _bottlenecks([3, 4, 6, 3], Wide_ResNet50_2_Weights.verify(weights), progress, kwargs, 128)


@register_model()
@handle_legacy_interface(weights=("pretrained", Wide_ResNet101_2_Weights.IMAGENET1K_V1))
def wide_resnet101_2(*, weights: Optional[Wide_ResNet101_2_Weights] = None, progress: bool = True,
                     **kwargs: Any) -> ResNet:
    """Wide ResNet-101-2 (126.9M parameters)."""
    return _bottlenecks([3, 4, 23, 3], Wide_ResNet101_2_Weights.verify(weights), progress, kwargs, 128)
