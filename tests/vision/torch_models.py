"""Reference builds of torchvision's classifiers in plain `torch.nn` (torchvision itself does not
import with the CPU torch the tests run on), written from the papers' and torchvision's layer
tables: same module names, so the same state_dict keys, and the same computation.

`ember.vision.models` must match these key for key, shape for shape, and value for value.
"""

from __future__ import annotations

from torch import Tensor, flatten, nn

# (bottleneck?, blocks per stage, groups, channels per group for 64 of the block's planes)
RESNET_STAGES = {
    "resnet18": (False, [2, 2, 2, 2], 1, 64), "resnet34": (False, [3, 4, 6, 3], 1, 64),
    "resnet50": (True, [3, 4, 6, 3], 1, 64), "resnet101": (True, [3, 4, 23, 3], 1, 64),
    "resnet152": (True, [3, 8, 36, 3], 1, 64), "resnext50_32x4d": (True, [3, 4, 6, 3], 32, 4),
    "resnext101_32x8d": (True, [3, 4, 23, 3], 32, 8), "resnext101_64x4d": (True, [3, 4, 23, 3], 64, 4),
    "wide_resnet50_2": (True, [3, 4, 6, 3], 1, 128), "wide_resnet101_2": (True, [3, 4, 23, 3], 1, 128),
}
# conv widths per stage (each stage closed by a 2x2 max pool); vgg11: 1-1-2-2-2 convs, vgg19: 2-2-4-4-4
VGG_STAGES = {"vgg11": [1, 1, 2, 2, 2], "vgg13": [2, 2, 2, 2, 2], "vgg16": [2, 2, 3, 3, 3], "vgg19": [2, 2, 4, 4, 4]}
MOBILENET_V2_STAGES = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                       (6, 320, 1, 1)]


class Residual(nn.Module):
    """A ResNet block: convs named conv1..convN with norms bn1..bnN (ReLU between), plus a
    `downsample` (1x1 conv, norm) shortcut where the shape changes; relu(branch + shortcut)."""

    def __init__(self, cin: int, planes: int, stride: int, bottleneck: bool, groups: int = 1,
                 group_width: int = 64) -> None:
        super().__init__()
        cout = planes * (4 if bottleneck else 1)
        width = planes * group_width // 64 * groups
        # (in, out, kernel, stride, groups) of each conv: torchvision strides (and groups) the 3x3 conv
        specs = ([(cin, width, 1, 1, 1), (width, width, 3, stride, groups), (width, cout, 1, 1, 1)] if bottleneck
                 else [(cin, planes, 3, stride, 1), (planes, planes, 3, 1, 1)])
        for i, (a, b, k, s, g) in enumerate(specs, 1):
            setattr(self, f"conv{i}", nn.Conv2d(a, b, k, s, k // 2, groups=g, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(b))
        self.depth = len(specs)
        self.relu = nn.ReLU()
        self.downsample = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                           if stride != 1 or cin != cout else None)

    def forward(self, x: Tensor) -> Tensor:
        out = x
        for i in range(1, self.depth + 1):
            out = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(out))
            out = self.relu(out) if i < self.depth else out
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, name: str, num_classes: int = 1000) -> None:
        super().__init__()
        bottleneck, blocks, groups, group_width = RESNET_STAGES[name]
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        cin = 64
        for stage, (planes, n) in enumerate(zip([64, 128, 256, 512], blocks), 1):
            layer = []
            for i in range(n):
                layer.append(Residual(cin, planes, 2 if i == 0 and stage > 1 else 1, bottleneck, groups, group_width))
                cin = planes * (4 if bottleneck else 1)
            setattr(self, f"layer{stage}", nn.Sequential(*layer))
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = nn.functional.max_pool2d(nn.functional.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(x.mean((2, 3)))


def _conv_bn_relu6(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6())


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, t: int) -> None:
        super().__init__()
        hidden = cin * t
        expand = [_conv_bn_relu6(cin, hidden, 1)] if t != 1 else []
        self.conv = nn.Sequential(*expand, _conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
                                  nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        return x + self.conv(x) if self.residual else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        layers, cin = [_conv_bn_relu6(3, 32, 3, 2)], 32
        for t, c, n, s in MOBILENET_V2_STAGES:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        self.features = nn.Sequential(*layers, _conv_bn_relu6(cin, 1280, 1))
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(1280, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).mean((2, 3)))


def _classifier(inputs: int, num_classes: int, dropout: float, dropout_first: bool) -> nn.Sequential:
    """Linear-ReLU-Dropout twice then Linear (VGG); AlexNet puts each Dropout before its Linear."""
    hidden = [nn.Dropout(dropout), nn.Linear(inputs, 4096), nn.ReLU(), nn.Dropout(dropout), nn.Linear(4096, 4096),
              nn.ReLU()] if dropout_first else [nn.Linear(inputs, 4096), nn.ReLU(), nn.Dropout(dropout),
                                                nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout)]
    return nn.Sequential(*hidden, nn.Linear(4096, num_classes))


class VGG(nn.Module):
    def __init__(self, name: str, batch_norm: bool = False, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 3
        for width, convs in zip([64, 128, 256, 512, 512], VGG_STAGES[name]):
            for _ in range(convs):
                layers += [nn.Conv2d(cin, width, 3, padding=1), *([nn.BatchNorm2d(width)] if batch_norm else []),
                           nn.ReLU()]
                cin = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(7)
        self.classifier = _classifier(512 * 7 * 7, num_classes, dropout, dropout_first=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(flatten(self.pool(self.features(x)), 1))


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(),
            nn.MaxPool2d(3, 2), nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1),
            nn.ReLU(), nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
        self.pool = nn.AdaptiveAvgPool2d(6)
        self.classifier = _classifier(256 * 6 * 6, num_classes, dropout, dropout_first=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(flatten(self.pool(self.features(x)), 1))
