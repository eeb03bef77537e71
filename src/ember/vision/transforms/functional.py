"""`ember.vision.transforms.functional`: torchvision's functional transforms, each applying one
fixed operation to a PIL image or a tensor (and, for the conversions, an ndarray)."""

from ._color import adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation, rgb_to_grayscale, to_grayscale
from ._erasing import erase
from ._convert import convert_image_dtype, normalize, pil_to_tensor, to_pil_image, to_tensor
from ._geometry import center_crop, crop, hflip, pad, resize, resized_crop, vflip
from ._image import get_dimensions, get_image_num_channels, get_image_size
from ._interpolation import InterpolationMode
from ._warp import affine, rotate

__all__ = [
    "InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation", "affine",
    "center_crop", "convert_image_dtype", "crop", "erase", "get_dimensions", "get_image_num_channels",
    "get_image_size", "hflip", "normalize", "pad", "pil_to_tensor", "resize", "resized_crop", "rgb_to_grayscale", "rotate",
    "to_grayscale", "to_pil_image", "to_tensor", "vflip",
]
