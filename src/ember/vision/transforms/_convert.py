"""Conversions between PIL images, NumPy arrays and ember tensors, dtype rescaling and
per-channel normalization: the functions behind ToTensor, PILToTensor, ToPILImage,
ConvertImageDtype and Normalize."""

from __future__ import annotations

import sys
from typing import Any, Optional, Sequence

import numpy as np

import ember
from ember import Tensor

from ._image import _array, _is_pil_image, _is_tensor, _pil, _tensor

# The NumPy dtype ToTensor reads each PIL mode as (uint8 for all others), as torchvision does.
_I16 = "I;16" if sys.byteorder == "little" else "I;16B"
_MODE_DTYPES = {"I": np.int32, _I16: np.int16, "F": np.float32}


def _uint8_to_default_float(img: np.ndarray) -> Tensor:
    """ToTensor's last step: uint8 pixels become default-dtype floats in [0, 1], others stay."""
    if img.dtype == np.uint8:
        return _tensor(img.astype(ember.get_default_dtype().numpy) / 255)
    return _tensor(img)


def to_tensor(pic: Any) -> Tensor:
    """A PIL image or HWC ndarray as a CHW tensor; uint8 pixels are scaled to [0, 1] floats.

    PIL modes I, I;16 and F become int32, int16 and float32 tensors with their values unchanged;
    mode 1 reads as 0 and 1.0; every other mode is read as uint8 and scaled. An ndarray of another
    dtype keeps it (no scaling).
    """
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        pic = pic[:, :, None] if pic.ndim == 2 else pic
        return _uint8_to_default_float(pic.transpose(2, 0, 1))
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    img = np.array(pic, _MODE_DTYPES.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        img = img * np.uint8(255)
    width, height = pic.size
    img = img.reshape(height, width, len(pic.getbands()))
    return _uint8_to_default_float(img.transpose(2, 0, 1))


def pil_to_tensor(pic: Any) -> Tensor:
    """A PIL image as a CHW tensor of its own pixel values, without scaling.

    ember has no uint16, so an I;16 image (which torch reads as uint16) becomes int32 with the
    same values; mode 1 reads as bool, as torch's.
    """
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    img = np.array(pic, copy=True)
    if img.dtype.kind == "u" and img.dtype != np.uint8:
        img = img.astype(np.int32)
    width, height = pic.size
    return _tensor(img.reshape(height, width, len(pic.getbands())).transpose(2, 0, 1))


_PERMITTED_MODES = {2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}
_DEFAULT_MODES = {2: "LA", 3: "RGB", 4: "RGBA"}
_SINGLE_CHANNEL_MODES = {np.dtype(np.uint8): "L", np.dtype(np.int16): _I16, np.dtype(np.int32): "I", np.dtype(np.float32): "F"}


def _hwc_array(pic: Any, mode: Optional[str]) -> np.ndarray:
    """to_pil_image's input as an HWC array: a CHW tensor is moved channels-last and, if float
    (unless mode is F), scaled by 255 and truncated to uint8."""
    if not (_is_tensor(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if isinstance(pic, np.ndarray):
        img = pic[:, :, None] if pic.ndim == 2 else pic
        channels = img.shape[-1]
    else:
        img = _array(pic)
        img = img[None] if img.ndim == 2 else img
        channels = img.shape[-3]
        if img.dtype.kind == "f" and mode != "F":
            img = (img * 255).astype(np.uint8)
        img = img.transpose(1, 2, 0)
    if channels > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {channels} channels.")
    return img


def to_pil_image(pic: Any, mode: Optional[str] = None) -> Any:
    """A CHW tensor or HWC ndarray as a PIL image.

    Without `mode`, it is inferred: one channel gives L (uint8), I;16 (int16), I (int32) or F
    (float32); 2, 3 and 4 uint8 channels give LA, RGB and RGBA. A float tensor is first scaled by
    255 and truncated to uint8 (unless mode is F).
    """
    npimg = _hwc_array(pic, mode)
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected_mode = _SINGLE_CHANNEL_MODES.get(npimg.dtype)
        if mode is not None and mode != expected_mode:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be {expected_mode}")
        mode = expected_mode
    else:
        permitted = _PERMITTED_MODES[channels]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for {channels}D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = _DEFAULT_MODES[channels]
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    Image = _pil()
    if mode == _I16:
        # Pillow 11.3+ takes only a uint16 array for I;16; the int16 bits are the same pixels.
        return Image.fromarray(np.ascontiguousarray(npimg).view(np.uint16))
    return Image.fromarray(np.ascontiguousarray(npimg), mode=mode)


def convert_image_dtype(image: Tensor, dtype: ember.dtype = ember.float32) -> Tensor:
    """The image in `dtype` with its values rescaled: floats span [0, 1], integers [0, max].

    float -> int multiplies by (max + 1 - 0.001) and truncates; int -> float divides by the input
    maximum; int -> int shifts by the ratio of the ranges (so 255 -> 32512 for uint8 -> int16,
    which maps back to 255). float32 -> int32/int64 and float64 -> int64 raise RuntimeError.
    """
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    src, dst = image.dtype, dtype
    if src is dst:
        return image
    data = _array(image)
    if dst.is_floating_point:
        if src.is_floating_point:
            return _tensor(data.astype(dst.numpy))
        return _tensor(data.astype(dst.numpy) / dst.numpy.type(np.iinfo(src.numpy).max))
    output_max = int(np.iinfo(dst.numpy).max)
    if src.is_floating_point:
        if (src is ember.float32 and dst in (ember.int32, ember.int64)) or (src is ember.float64 and dst is ember.int64):
            raise RuntimeError(f"The cast from {src} to {dst} cannot be performed safely.")
        return _tensor((data * (output_max + 1 - 1e-3)).astype(dst.numpy))
    input_max = int(np.iinfo(src.numpy).max)
    if input_max > output_max:
        return _tensor((data // ((input_max + 1) // (output_max + 1))).astype(dst.numpy))
    return _tensor(data.astype(dst.numpy) * dst.numpy.type((output_max + 1) // (input_max + 1)))


def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> Tensor:
    """(tensor - mean[c]) / std[c] for each channel c of a float [..., C, H, W] tensor.

    Computed with ember's operators, so gradients flow through it. `inplace=True` overwrites and
    returns `tensor`.
    """
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.dim() < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.size()}")
    mean_t = ember.as_tensor(mean, dtype=tensor.dtype)
    std_t = ember.as_tensor(std, dtype=tensor.dtype)
    if (std_t == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean_t.dim() == 1:
        mean_t = mean_t.reshape(-1, 1, 1)
    if std_t.dim() == 1:
        std_t = std_t.reshape(-1, 1, 1)
    if inplace:
        return tensor.sub_(mean_t).div_(std_t)
    return (tensor - mean_t) / std_t
