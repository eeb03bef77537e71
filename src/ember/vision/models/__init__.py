"""`ember.vision.models`: torchvision's classification models on ember, with its names,
state_dict keys, initialisation and pretrained weights (`weights=ResNet18_Weights.DEFAULT`)."""

from ._api import get_model, get_model_builder, get_model_weights, get_weight, list_models
from ._weights import Weights, WeightsEnum
from .alexnet import *  # noqa: F401,F403
from .alexnet import __all__ as _alexnet_all
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv2 import __all__ as _mobilenetv2_all
from .resnet import *  # noqa: F401,F403
from .resnet import __all__ as _resnet_all
from .vgg import *  # noqa: F401,F403
from .vgg import __all__ as _vgg_all

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models"] + _alexnet_all + _mobilenetv2_all + _resnet_all + _vgg_all
