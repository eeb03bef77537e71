"""`ember.vision.transforms`: torchvision's image transforms (the v1 API) on PIL images, NumPy
arrays and ember tensors. Random transforms draw from ember's generator, so `ember.manual_seed`
makes augmentation reproducible.

    from ember.vision import transforms
    preprocess = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
"""

from . import functional
from ._color_transforms import ColorJitter, Grayscale, RandomGrayscale
from ._compose import Compose, Lambda, RandomApply, RandomChoice, RandomOrder, RandomTransforms
from ._conversion import ConvertImageDtype, Normalize, PILToTensor, Reshape, ToPILImage, ToTensor
from ._erasing import RandomErasing, RandomMask
from ._interpolation import InterpolationMode
from ._random_geometry import RandomAffine, RandomHorizontalFlip, RandomRotation, RandomVerticalFlip
from ._resize_crop import CenterCrop, Pad, RandomCrop, RandomResizedCrop, Resize

__all__ = [
    "CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "Grayscale", "InterpolationMode", "Lambda",
    "Normalize", "PILToTensor", "Pad", "RandomAffine", "RandomApply", "RandomChoice", "RandomCrop",
    "RandomErasing", "RandomGrayscale", "RandomHorizontalFlip", "RandomMask", "RandomOrder", "RandomResizedCrop",
    "RandomRotation", "RandomTransforms", "RandomVerticalFlip", "Reshape", "Resize", "ToPILImage", "ToTensor",
    "functional",
]
