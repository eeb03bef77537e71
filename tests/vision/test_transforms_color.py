"""Colour adjustments, Grayscale, RandomGrayscale and ColorJitter: tensors against the documented
formulas (and colorsys for hue), PIL images against Pillow, the tensor and PIL paths against each
other, errors and reprs."""

import colorsys

import numpy as np
import pytest
from PIL import Image, ImageEnhance

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

LUMA = np.array([0.2989, 0.587, 0.114], np.float32)


def image_array(h: int = 9, w: int = 11, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def chw(arr: np.ndarray) -> ember.Tensor:
    return ember.tensor(arr.transpose(2, 0, 1))


def pil_chw(img: Image.Image) -> np.ndarray:
    return np.asarray(img).transpose(2, 0, 1).astype(int)


def luma(x: np.ndarray) -> np.ndarray:
    return np.tensordot(LUMA, x.astype(np.float32), axes=(0, 0))


def test_rgb_to_grayscale_tensor_truncates_the_luma():
    arr = image_array()
    out = F.rgb_to_grayscale(chw(arr))
    assert out.shape == (1, 9, 11) and out.dtype is ember.uint8
    np.testing.assert_array_equal(out.numpy()[0], luma(arr.transpose(2, 0, 1)).astype(np.uint8))
    three = T.Grayscale(3)(chw(arr)).numpy()
    assert three.shape == (3, 9, 11) and (three == three[0]).all()


def test_grayscale_pil_is_pillows_l_conversion_and_close_to_the_tensor_path():
    arr = image_array()
    img = Image.fromarray(arr)
    np.testing.assert_array_equal(np.asarray(T.Grayscale()(img)), np.asarray(img.convert("L")))
    rgb = T.Grayscale(3)(img)
    assert rgb.mode == "RGB" and (np.asarray(rgb) == np.asarray(img.convert("L"))[:, :, None]).all()
    assert np.abs(np.asarray(img.convert("L")).astype(int) - F.rgb_to_grayscale(chw(arr)).numpy()[0]).max() <= 1


def test_grayscale_errors_and_repr():
    with pytest.raises(ValueError, match="num_output_channels should be either 1 or 3"):
        F.rgb_to_grayscale(ember.zeros(3, 2, 2), 2)
    with pytest.raises(TypeError, match=r"permitted channel values are \[1, 3\], but found 4"):
        F.rgb_to_grayscale(ember.zeros(4, 2, 2))
    with pytest.raises(TypeError, match="Input image tensor should have at least 3 dimensions, but found 2"):
        F.rgb_to_grayscale(ember.zeros(2, 2))
    with pytest.raises(TypeError, match="img should be PIL Image"):
        F.to_grayscale(ember.zeros(3, 2, 2))
    assert repr(T.Grayscale()) == "Grayscale(num_output_channels=1)"


def test_random_grayscale_keeps_the_channel_count():
    out = T.RandomGrayscale(p=1.0)(chw(image_array())).numpy()
    assert out.shape == (3, 9, 11) and (out == out[0]).all()
    img = Image.fromarray(image_array())
    assert T.RandomGrayscale(p=0.0)(img) is img
    assert repr(T.RandomGrayscale()) == "RandomGrayscale(p=0.1)"


@pytest.mark.parametrize("factor", [0.0, 0.5, 1.0, 1.7])
def test_adjust_brightness(factor):
    arr = image_array()
    x = arr.transpose(2, 0, 1)
    out = F.adjust_brightness(chw(arr), factor).numpy()
    np.testing.assert_array_equal(out, np.clip(np.float32(factor) * x.astype(np.float32), 0, 255).astype(np.uint8))
    pil = F.adjust_brightness(Image.fromarray(arr), factor)
    np.testing.assert_array_equal(np.asarray(pil), np.asarray(ImageEnhance.Brightness(Image.fromarray(arr)).enhance(factor)))
    assert np.abs(pil_chw(pil) - out).max() <= 1
    floats = F.adjust_brightness(ember.tensor(x / np.float32(255)), factor).numpy()
    np.testing.assert_allclose(floats, np.clip(factor * x / np.float32(255), 0, 1), rtol=1e-6)


@pytest.mark.parametrize("factor", [0.0, 0.4, 1.0, 2.5])
def test_adjust_contrast(factor):
    arr = image_array()
    x = arr.transpose(2, 0, 1).astype(np.float32) / 255
    out = F.adjust_contrast(ember.tensor(x), factor).numpy()
    mean = luma(x).mean()
    np.testing.assert_allclose(out, np.clip(factor * x + (1 - factor) * mean, 0, 1), rtol=1e-5, atol=1e-6)
    from_uint8 = F.adjust_contrast(chw(arr), factor).numpy()
    assert np.abs(pil_chw(F.adjust_contrast(Image.fromarray(arr), factor)) - from_uint8).max() <= 1


@pytest.mark.parametrize("factor", [0.0, 0.3, 1.0, 2.0])
def test_adjust_saturation(factor):
    arr = image_array()
    x = arr.transpose(2, 0, 1).astype(np.float32) / 255
    out = F.adjust_saturation(ember.tensor(x), factor).numpy()
    np.testing.assert_allclose(out, np.clip(factor * x + (1 - factor) * luma(x), 0, 1), rtol=1e-5, atol=1e-6)
    from_uint8 = F.adjust_saturation(chw(arr), factor).numpy()
    assert np.abs(pil_chw(F.adjust_saturation(Image.fromarray(arr), factor)) - from_uint8).max() <= 1


@pytest.mark.parametrize("hue", [-0.5, -0.2, 0.0, 0.13, 0.5])
def test_adjust_hue_rotates_hue_as_colorsys(hue):
    x = np.random.default_rng(3).random((3, 5, 6)).astype(np.float32)
    out = F.adjust_hue(ember.tensor(x), hue).numpy()
    expected = np.empty_like(x)
    for i in range(5):
        for j in range(6):
            h, s, v = colorsys.rgb_to_hsv(*x[:, i, j])
            expected[:, i, j] = colorsys.hsv_to_rgb((h + hue) % 1.0, s, v)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_adjust_hue_uint8_tensor_and_pil_agree_within_pils_8_bit_hsv():
    arr = image_array()
    from_tensor = F.adjust_hue(chw(arr), 0.25).numpy()
    from_pil = pil_chw(F.adjust_hue(Image.fromarray(arr), 0.25))
    assert from_tensor.dtype == np.uint8
    # Pillow holds hue in 8 bits and shifts it by int(0.25 * 255) = 63/255, not 0.25: a step of
    # 1/255 of hue moves a saturated channel by up to 6 levels
    assert np.abs(from_pil - from_tensor).max() <= 16 and np.abs(from_pil - from_tensor).mean() < 2.5


def test_saturation_and_hue_leave_gray_images_alone():
    gray_tensor = ember.rand(1, 4, 4)
    assert F.adjust_hue(gray_tensor, 0.3) is gray_tensor
    assert F.adjust_saturation(gray_tensor, 0.3) is gray_tensor
    gray_pil = Image.new("L", (4, 4), 7)
    assert F.adjust_hue(gray_pil, 0.3) is gray_pil


def test_colour_errors():
    x = ember.rand(3, 2, 2)
    with pytest.raises(ValueError, match=r"brightness_factor \(-1\) is not non-negative"):
        F.adjust_brightness(x, -1)
    with pytest.raises(ValueError, match=r"contrast_factor \(-0.5\) is not non-negative"):
        F.adjust_contrast(x, -0.5)
    with pytest.raises(ValueError, match=r"saturation_factor \(-2\) is not non-negative"):
        F.adjust_saturation(x, -2)
    with pytest.raises(ValueError, match=r"hue_factor \(0.6\) is not in \[-0.5, 0.5\]"):
        F.adjust_hue(x, 0.6)
    with pytest.raises(TypeError, match=r"permitted channel values are \[1, 3\], but found 2"):
        F.adjust_brightness(ember.rand(2, 2, 2), 1.0)
    with pytest.raises(TypeError, match="img should be PIL Image"):
        F.adjust_contrast(np.zeros((2, 2, 3), np.uint8), 1.0)


# ColorJitter

def test_color_jitter_ranges():
    t = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.9), saturation=1.5, hue=0.1)
    assert t.brightness == (0.5, 1.5) and t.contrast == (0.2, 0.9) and t.saturation == (0.0, 2.5) and t.hue == (-0.1, 0.1)
    assert T.ColorJitter().brightness is None and T.ColorJitter(hue=0).hue is None
    for _ in range(100):
        order, b, c, s, h = T.ColorJitter.get_params((0.5, 1.5), None, (0.0, 2.5), (-0.1, 0.1))
        assert sorted(order.tolist()) == [0, 1, 2, 3]
        assert 0.5 <= b < 1.5 and c is None and 0 <= s < 2.5 and -0.1 <= h < 0.1


def test_color_jitter_applies_the_drawn_adjustments_in_the_drawn_order():
    arr = image_array()
    t = T.ColorJitter(0.4, 0.4, 0.4, 0.2)
    for kind in (chw(arr), Image.fromarray(arr)):
        ember.manual_seed(21)
        out = t(kind)
        ember.manual_seed(21)
        order, *factors = T.ColorJitter.get_params(t.brightness, t.contrast, t.saturation, t.hue)
        expected = kind
        adjust = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
        for i in order.tolist():
            expected = adjust[i](expected, factors[i])
        np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))


def test_color_jitter_errors_and_repr():
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non negative"):
        T.ColorJitter(brightness=-0.1)
    with pytest.raises(TypeError, match="contrast should be a single number or a list/tuple with length 2"):
        T.ColorJitter(contrast=[1, 2, 3])
    with pytest.raises(ValueError, match=r"hue values should be between \(-0.5, 0.5\), but got \[-0.7, 0.7\]"):
        T.ColorJitter(hue=0.7)
    assert repr(T.ColorJitter(brightness=0.2)) == "ColorJitter(brightness=(0.8, 1.2), contrast=None, saturation=None, hue=None)"
