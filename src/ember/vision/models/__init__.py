"""`ember.vision.models`: torchvision's classification models on ember, with its names,
state_dict keys, initialisation and pretrained weights (`weights=ResNet18_Weights.DEFAULT`)."""

from ._weights import Weights, WeightsEnum
from .resnet import *  # noqa: F401,F403
from .resnet import __all__ as _resnet_all

__all__ = ["Weights", "WeightsEnum"] + list(_resnet_all)
