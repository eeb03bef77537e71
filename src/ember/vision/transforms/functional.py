"""`ember.vision.transforms.functional`: torchvision's functional transforms, each applying one
fixed operation to a PIL image or a tensor (and, for the conversions, an ndarray)."""

from ._convert import convert_image_dtype, normalize, pil_to_tensor, to_pil_image, to_tensor
from ._image import get_dimensions, get_image_num_channels, get_image_size

__all__ = [
    "convert_image_dtype", "get_dimensions", "get_image_num_channels", "get_image_size", "normalize",
    "pil_to_tensor", "to_pil_image", "to_tensor",
]
