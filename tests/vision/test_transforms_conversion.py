"""ToTensor, PILToTensor, ToPILImage, ConvertImageDtype, Normalize and Reshape against
torchvision's documented semantics, with Pillow and NumPy computing the expected values."""

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F


def rgb_array(h: int = 5, w: int = 7) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)


# ToTensor

def test_to_tensor_scales_uint8_pil_image_to_float32_chw():
    arr = rgb_array()
    out = T.ToTensor()(Image.fromarray(arr))
    assert out.dtype is ember.float32 and out.shape == (3, 5, 7)
    np.testing.assert_array_equal(out.numpy(), arr.transpose(2, 0, 1).astype(np.float32) / 255)


def test_to_tensor_reads_an_hwc_and_a_2d_array():
    arr = rgb_array()
    np.testing.assert_array_equal(T.ToTensor()(arr).numpy(), arr.transpose(2, 0, 1) / np.float32(255))
    gray = arr[:, :, 0]
    assert T.ToTensor()(gray).shape == (1, 5, 7)


def test_to_tensor_keeps_a_non_uint8_array_unscaled():
    arr = np.arange(6, dtype=np.float64).reshape(2, 3, 1) * 100
    out = T.ToTensor()(arr)
    assert out.dtype is ember.float64
    np.testing.assert_array_equal(out.numpy()[0], arr[:, :, 0])


def test_to_tensor_follows_the_default_dtype():
    ember.set_default_dtype(ember.float64)
    try:
        assert T.ToTensor()(rgb_array()).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("mode, dtype, values", [
    ("I", ember.int32, [[-5, 70000]]),
    ("F", ember.float32, [[0.25, -3.5]]),
    ("I;16", ember.int16, [[7, 300]]),
])
def test_to_tensor_keeps_wide_pil_modes_unscaled(mode, dtype, values):
    img = Image.new(mode, (2, 1))
    img.putdata([v for row in values for v in row])
    out = T.ToTensor()(img)
    assert out.dtype is dtype and out.shape == (1, 1, 2)
    np.testing.assert_array_equal(out.numpy()[0], values)


def test_to_tensor_reads_mode_1_as_zero_and_one():
    img = Image.fromarray(np.array([[0, 255, 255]], dtype=np.uint8)).convert("1")
    np.testing.assert_array_equal(T.ToTensor()(img).numpy(), [[[0.0, 1.0, 1.0]]])


@pytest.mark.parametrize("mode, channels", [("L", 1), ("LA", 2), ("RGB", 3), ("RGBA", 4)])
def test_to_tensor_channels_per_mode(mode, channels):
    img = Image.new(mode, (4, 3))
    assert T.ToTensor()(img).shape == (channels, 3, 4)


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()([[1, 2]])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions"):
        T.ToTensor()(np.zeros((1, 2, 2, 3), np.uint8))


# PILToTensor

def test_pil_to_tensor_keeps_uint8():
    arr = rgb_array()
    out = T.PILToTensor()(Image.fromarray(arr))
    assert out.dtype is ember.uint8
    np.testing.assert_array_equal(out.numpy(), arr.transpose(2, 0, 1))


def test_pil_to_tensor_reads_i16_as_int32_values():
    img = Image.new("I;16", (2, 1))
    img.putdata([1, 65535])
    out = T.PILToTensor()(img)
    assert out.dtype is ember.int32
    np.testing.assert_array_equal(out.numpy(), [[[1, 65535]]])


def test_pil_to_tensor_refuses_arrays():
    with pytest.raises(TypeError, match="pic should be PIL Image"):
        T.PILToTensor()(rgb_array())


# ToPILImage

def test_to_pil_image_round_trips_uint8_tensor_and_array():
    arr = rgb_array()
    from_tensor = T.ToPILImage()(ember.tensor(arr.transpose(2, 0, 1)))
    from_array = T.ToPILImage()(arr)
    assert from_tensor.mode == from_array.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(from_tensor), arr)
    np.testing.assert_array_equal(np.asarray(from_array), arr)


def test_to_pil_image_scales_float_tensors_by_255_and_truncates():
    x = ember.tensor([[[0.0, 0.5, 0.999, 1.0]]])
    img = T.ToPILImage()(x)
    assert img.mode == "L"
    np.testing.assert_array_equal(np.asarray(img), [[0, 127, 254, 255]])


@pytest.mark.parametrize("dtype, mode", [(np.uint8, "L"), (np.int32, "I"), (np.float32, "F"), (np.int16, "I;16")])
def test_to_pil_image_infers_single_channel_modes(dtype, mode):
    arr = np.array([[1, 2], [3, 4]], dtype=dtype)
    img = T.ToPILImage()(arr)
    assert img.mode == mode
    np.testing.assert_array_equal(np.asarray(img), arr)


def test_to_pil_image_float_tensor_with_mode_f_keeps_values():
    img = T.ToPILImage(mode="F")(ember.tensor([[0.25, 7.0]]))
    np.testing.assert_array_equal(np.asarray(img), [[0.25, 7.0]])


@pytest.mark.parametrize("channels, mode", [(2, "LA"), (3, "RGB"), (4, "RGBA")])
def test_to_pil_image_infers_multi_channel_modes(channels, mode):
    assert T.ToPILImage()(np.zeros((2, 3, channels), np.uint8)).mode == mode


def test_to_pil_image_accepts_a_permitted_mode():
    assert T.ToPILImage(mode="HSV")(np.zeros((2, 3, 3), np.uint8)).mode == "HSV"


def test_to_pil_image_errors():
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray"):
        T.ToPILImage()([1])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 1 dimensions"):
        T.ToPILImage()(ember.zeros(3))
    with pytest.raises(ValueError, match="pic should not have > 4 channels. Got 5 channels"):
        T.ToPILImage()(ember.zeros(5, 2, 2))
    with pytest.raises(ValueError, match=r"Incorrect mode \(RGB\)"):
        T.ToPILImage(mode="RGB")(np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match=r"Only modes \['RGBA', 'CMYK', 'RGBX'\]"):
        T.ToPILImage(mode="RGB")(np.zeros((2, 2, 4), np.uint8))
    with pytest.raises(TypeError, match="Input type float64 is not supported"):
        T.ToPILImage()(np.zeros((2, 2, 3)))


def test_to_pil_image_repr():
    assert repr(T.ToPILImage()) == "ToPILImage()"
    assert repr(T.ToPILImage(mode="L")) == "ToPILImage(mode=L)"


# ConvertImageDtype

def test_convert_image_dtype_uint8_to_float_divides_by_255():
    x = ember.tensor([[[0, 51, 255]]], dtype=ember.uint8)
    out = T.ConvertImageDtype(ember.float32)(x)
    assert out.dtype is ember.float32
    np.testing.assert_allclose(out.numpy(), [[[0.0, 0.2, 1.0]]], rtol=1e-6)


def test_convert_image_dtype_float_to_uint8_multiplies_by_max_plus_one_minus_eps():
    x = ember.tensor([[[0.0, 0.5, 0.999, 1.0]]])
    out = F.convert_image_dtype(x, ember.uint8)
    # 0.5 * 255.999 = 127.99 -> 127; 1.0 * 255.999 -> 255 (never 256)
    np.testing.assert_array_equal(out.numpy(), [[[0, 127, 255, 255]]])


def test_convert_image_dtype_int_to_int_shifts():
    x = ember.tensor([[[0, 1, 255]]], dtype=ember.uint8)
    up = F.convert_image_dtype(x, ember.int16)
    np.testing.assert_array_equal(up.numpy(), [[[0, 128, 32640]]])
    np.testing.assert_array_equal(F.convert_image_dtype(up, ember.uint8).numpy(), x.numpy())
    down = F.convert_image_dtype(ember.tensor([[[32767, 256]]], dtype=ember.int16), ember.uint8)
    np.testing.assert_array_equal(down.numpy(), [[[255, 2]]])


def test_convert_image_dtype_float_to_float_and_same_dtype():
    x = ember.tensor([[[0.25]]])
    assert F.convert_image_dtype(x, ember.float32) is x
    assert F.convert_image_dtype(x, ember.float64).dtype is ember.float64


@pytest.mark.parametrize("src, dst", [(ember.float32, ember.int32), (ember.float32, ember.int64), (ember.float64, ember.int64)])
def test_convert_image_dtype_refuses_unsafe_casts(src, dst):
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(ember.zeros(1, 1, 1, dtype=src), dst)


def test_convert_image_dtype_repr():
    assert repr(T.ConvertImageDtype(ember.float32)) == "ConvertImageDtype()"


# Normalize

def test_normalize_per_channel():
    x = ember.rand(2, 3, 4, 5)
    mean, std = [0.1, 0.2, 0.3], [0.5, 0.25, 2.0]
    out = T.Normalize(mean, std)(x)
    expected = (x.numpy() - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    assert not np.shares_memory(out.numpy(), x.numpy())


def test_normalize_inplace_overwrites_the_input():
    x = ember.ones(1, 2, 2)
    out = T.Normalize([0.5], [0.25], inplace=True)(x)
    assert out is x
    np.testing.assert_array_equal(x.numpy(), np.full((1, 2, 2), 2.0))


def test_normalize_lets_gradients_through():
    x = ember.rand(3, 2, 2, requires_grad=True)
    T.Normalize([0.0, 0.0, 0.0], [2.0, 4.0, 0.5])(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[:, 0, 0], [0.5, 0.25, 2.0])


def test_normalize_errors():
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize([0.0], [0.0])(ember.rand(1, 2, 2))
    with pytest.raises(ValueError, match=r"Expected tensor to be a tensor image of size \(..., C, H, W\)"):
        T.Normalize([0.0], [1.0])(ember.rand(2, 2))
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize([0.0], [1.0])(ember.zeros(1, 2, 2, dtype=ember.uint8))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.normalize(np.zeros((1, 2, 2)), [0.0], [1.0])


def test_normalize_repr():
    assert repr(T.Normalize((0.5,), (0.25,))) == "Normalize(mean=(0.5,), std=(0.25,))"


# Reshape

def test_reshape():
    x = ember.arange(12).reshape(3, 4)
    assert T.Reshape((-1,))(x).shape == (12,)
    assert T.Reshape([2, 6])(x).shape == (2, 6)
    assert repr(T.Reshape([2, 6])) == "Reshape(shape=(2, 6))"
    with pytest.raises(TypeError, match="Reshape expects a Tensor"):
        T.Reshape((-1,))(np.zeros(3))
