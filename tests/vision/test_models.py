"""ember.vision.models: parameter counts, initialisation and constructor arguments as torchvision's."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import models

from .model_helpers import init_calls  # noqa: F401 (a fixture)

PUBLISHED_NUM_PARAMS = {
    "resnet18": 11_689_512, "resnet34": 21_797_672, "resnet50": 25_557_032, "resnet101": 44_549_160,
    "resnet152": 60_192_808, "vgg11": 132_863_336, "vgg11_bn": 132_868_840, "vgg13": 133_047_848,
    "vgg13_bn": 133_053_736, "vgg16": 138_357_544, "vgg16_bn": 138_365_992, "vgg19": 143_667_240,
    "vgg19_bn": 143_678_248, "mobilenet_v2": 3_504_872, "alexnet": 61_100_840, "resnext50_32x4d": 25_028_904,
    "resnext101_32x8d": 88_791_336, "resnext101_64x4d": 83_455_272, "wide_resnet50_2": 68_883_240,
    "wide_resnet101_2": 126_886_696,
}


@pytest.mark.parametrize("name", PUBLISHED_NUM_PARAMS)
def test_parameter_count_is_torchvisions(name: str, init_calls: list) -> None:
    model = getattr(models, name)()
    count = sum(p.numel() for p in model.parameters())
    assert count == PUBLISHED_NUM_PARAMS[name] == models.get_model_weights(name).DEFAULT.meta["num_params"]


def _std(t: ember.Tensor) -> float:
    return float(t.detach().numpy().std())


def test_resnet_initialisation() -> None:
    """Convs kaiming_normal_(fan_out, relu): std sqrt(2 / (out * k * k)); norms 1 and 0; the
    Linear keeps nn.Linear's default U(+-1/sqrt(fan_in))."""
    model = models.resnet18()
    conv = model.layer3[1].conv2
    assert _std(conv.weight) == pytest.approx(math.sqrt(2 / (256 * 9)), rel=0.02)
    assert _std(model.conv1.weight) == pytest.approx(math.sqrt(2 / (64 * 49)), rel=0.05)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            assert (m.weight.detach().numpy() == 1).all() and (m.bias.detach().numpy() == 0).all()
    fc = model.fc.weight.detach().numpy()
    assert np.abs(fc).max() <= 1 / math.sqrt(512) and fc.std() == pytest.approx(1 / math.sqrt(3 * 512), rel=0.02)


@pytest.mark.parametrize("build, last_norm", [(models.resnet18, "bn2"), (models.resnet50, "bn3")])
def test_zero_init_residual_zeroes_each_blocks_last_norm(build: Callable, last_norm: str) -> None:
    model = build(zero_init_residual=True)
    blocks = [m for m in model.modules() if isinstance(m, (models.BasicBlock, models.Bottleneck))]
    assert len(blocks) in (8, 16)
    for block in blocks:
        assert (getattr(block, last_norm).weight.detach().numpy() == 0).all()
        assert (block.bn1.weight.detach().numpy() == 1).all()


def test_mobilenet_v2_initialisation() -> None:
    model = models.mobilenet_v2()
    depthwise = model.features[5].conv[1][0]
    assert depthwise.groups == 192 and depthwise.weight.shape == (192, 1, 3, 3)
    assert _std(depthwise.weight) == pytest.approx(math.sqrt(2 / (192 * 9)), rel=0.05)
    linear = model.classifier[1]
    assert _std(linear.weight) == pytest.approx(0.01, rel=0.02)
    assert (linear.bias.detach().numpy() == 0).all()


@pytest.mark.parametrize("batch_norm", [False, True])
def test_vgg_initialisation(init_calls: list, batch_norm: bool) -> None:
    model = models.vgg16_bn() if batch_norm else models.vgg11()
    init_calls[:] = [c for c in init_calls if c[0] != "kaiming_uniform_" and c[0] != "uniform_"]  # layer defaults
    calls = {(name, key): (args, kwargs) for name, key, args, kwargs in init_calls}
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            assert calls[("kaiming_normal_", id(m.weight))] == ((), {"mode": "fan_out", "nonlinearity": "relu"})
            assert calls[("constant_", id(m.bias))] == ((0,), {})
        elif isinstance(m, nn.Linear):
            assert calls[("normal_", id(m.weight))] == ((0, 0.01), {})
            assert calls[("constant_", id(m.bias))] == ((0,), {})
        elif isinstance(m, nn.BatchNorm2d):
            assert calls[("constant_", id(m.weight))] == ((1,), {})
    init_calls.clear()
    models.vgg11(init_weights=False)
    assert not [c for c in init_calls if c[0] in ("kaiming_normal_", "normal_", "constant_")]


def test_resnet_arguments() -> None:
    model = models.resnet18(num_classes=10)
    assert model.fc.weight.shape == (10, 512)
    assert model(ember.randn(2, 3, 32, 32)).shape == (2, 10)
    grouped = models.ResNet(models.Bottleneck, [1, 1, 1, 1], groups=4, width_per_group=16, num_classes=5)
    assert grouped.layer1[0].conv2.groups == 4 and grouped.layer1[0].conv2.weight.shape == (64, 16, 3, 3)
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1 and base_width=64"):
        models.resnet18(groups=2)
    with pytest.raises(ValueError, match="replace_stride_with_dilation should be None or a 3-element tuple"):
        models.resnet50(replace_stride_with_dilation=[True, True])
    with pytest.raises(ValueError, match="The parameter 'groups' expected value 32 but got 2 instead."):
        models.resnext50_32x4d(groups=2)
    with pytest.raises(NotImplementedError, match="Dilation > 1 not supported in BasicBlock"):
        models.resnet18(replace_stride_with_dilation=[False, False, True])


def test_resnet_dilation_keeps_the_resolution() -> None:
    """Replacing the last two strides by dilation gives an output stride of 8, not 32; a stage's
    first block keeps the previous stage's dilation, the rest double it, as torchvision."""
    model = models.ResNet(models.Bottleneck, [1, 1, 1, 2], replace_stride_with_dilation=[False, True, True])
    assert model.layer3[0].conv2.stride == (1, 1) and model.layer3[0].conv2.dilation == (1, 1)
    assert model.layer4[0].conv2.dilation == (2, 2) and model.layer4[1].conv2.dilation == (4, 4)
    assert model.layer4[1].conv2.padding == (4, 4)
    model.eval()
    x = model.maxpool(model.relu(model.bn1(model.conv1(ember.randn(1, 3, 64, 64)))))
    assert model.layer4(model.layer3(model.layer2(model.layer1(x)))).shape == (1, 2048, 8, 8)


def test_norm_layer_replaces_every_batchnorm() -> None:
    model = models.resnet18(norm_layer=lambda channels: nn.GroupNorm(8, channels), num_classes=3)
    assert not [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert sum(isinstance(m, nn.GroupNorm) for m in model.modules()) == 20
    assert model(ember.randn(1, 3, 32, 32)).shape == (1, 3)
    mobile = models.mobilenet_v2(norm_layer=lambda c: nn.GroupNorm(1, c), num_classes=3)
    assert not [m for m in mobile.modules() if isinstance(m, nn.BatchNorm2d)]


def test_mobilenet_v2_arguments() -> None:
    narrow = models.mobilenet_v2(width_mult=0.5, num_classes=7, dropout=0.3)
    assert narrow.features[0][0].out_channels == 16 and narrow.last_channel == 1280
    assert narrow.classifier[0].p == 0.3 and narrow.classifier[1].weight.shape == (7, 1280)
    assert models.mobilenet_v2(width_mult=1.4).last_channel == 1792
    with pytest.raises(ValueError, match="inverted_residual_setting should be non-empty or a 4-element list"):
        models.MobileNetV2(inverted_residual_setting=[[1, 16, 1]])
    with pytest.raises(ValueError, match="stride should be 1 or 2 instead of 3"):
        models.mobilenetv2.InvertedResidual(8, 8, 3, 6)
    tiny = models.MobileNetV2(inverted_residual_setting=[[1, 16, 1, 1], [6, 24, 2, 2]], num_classes=4)
    assert [type(m).__name__ for m in tiny.features] == ["Conv2dNormActivation"] + ["InvertedResidual"] * 3 + [
        "Conv2dNormActivation"]
    assert [m.use_res_connect for m in tiny.features[1:4]] == [False, False, True]
    tiny.eval()
    assert tiny(ember.randn(1, 3, 16, 16)).shape == (1, 4)


def test_classifier_arguments(init_calls: list) -> None:
    vgg = models.vgg11(num_classes=10, dropout=0.25)
    assert [type(m).__name__ for m in vgg.classifier] == ["Linear", "ReLU", "Dropout"] * 2 + ["Linear"]
    assert vgg.classifier[2].p == vgg.classifier[5].p == 0.25 and vgg.classifier[6].weight.shape == (10, 4096)
    alexnet = models.alexnet(num_classes=10, dropout=0.1)
    assert [type(m).__name__ for m in alexnet.classifier] == ["Dropout", "Linear", "ReLU"] * 2 + ["Linear"]
    assert alexnet.classifier[0].p == 0.1 and alexnet.classifier[6].weight.shape == (10, 4096)
    assert len(models.vgg.make_layers(models.vgg.cfgs["A"], batch_norm=True)) == 8 * 3 + 5


def test_models_reached_through_ember_vision() -> None:
    import ember.vision

    assert ember.vision.models.resnet18 is models.resnet18
    assert {"resnet18", "vgg16_bn", "MobileNetV2", "AlexNet_Weights", "WeightsEnum"} <= set(models.__all__)
