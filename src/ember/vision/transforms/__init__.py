"""`ember.vision.transforms`: torchvision's image transforms (the v1 API) on PIL images, NumPy
arrays and ember tensors. Random transforms draw from ember's generator, so `ember.manual_seed`
makes augmentation reproducible.

    from ember.vision import transforms
    preprocess = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
"""

from . import functional
from ._compose import Compose, Lambda, RandomApply, RandomChoice, RandomOrder, RandomTransforms
from ._conversion import ConvertImageDtype, Normalize, PILToTensor, Reshape, ToPILImage, ToTensor

__all__ = [
    "Compose", "ConvertImageDtype", "Lambda", "Normalize", "PILToTensor", "RandomApply", "RandomChoice",
    "RandomOrder", "RandomTransforms", "Reshape", "ToPILImage", "ToTensor", "functional",
]
