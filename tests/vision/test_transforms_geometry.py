"""Resize, CenterCrop, Pad and the functional crop/flip/pad: PIL images against Pillow's own
operations, tensors against torch's interpolate and NumPy."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from PIL import Image

import ember
from ember.vision import transforms as T
from ember.vision.transforms import InterpolationMode as M, functional as F


def image_array(h: int = 13, w: int = 17, c: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, c), dtype=np.uint8)


def chw(arr: np.ndarray) -> ember.Tensor:
    return ember.tensor(arr.transpose(2, 0, 1))


def pil_chw(img: Image.Image) -> np.ndarray:
    arr = np.asarray(img)
    return arr.transpose(2, 0, 1) if arr.ndim == 3 else arr[None]


# Resize

@pytest.mark.parametrize("interpolation", [M.NEAREST, M.BILINEAR, M.BICUBIC, M.BOX, M.HAMMING, M.LANCZOS, 2])
@pytest.mark.parametrize("size", [(7, 9), (30, 5), 6])
def test_resize_pil_is_pillows_resize(interpolation, size):
    img = Image.fromarray(image_array())
    out = T.Resize(size, interpolation)(img)
    pil_code = {M.NEAREST: 0, M.BILINEAR: 2, M.BICUBIC: 3, M.BOX: 4, M.HAMMING: 5, M.LANCZOS: 1, 2: 2}[interpolation]
    expected_size = (size[1], size[0]) if isinstance(size, tuple) else (int(6 * 17 / 13), 6)
    assert out.size == expected_size
    np.testing.assert_array_equal(np.asarray(out), np.asarray(img.resize(expected_size, pil_code)))


@pytest.mark.parametrize("mode, antialias", [
    (M.NEAREST, False), (M.NEAREST_EXACT, False), (M.BILINEAR, False), (M.BILINEAR, True), (M.BICUBIC, False), (M.BICUBIC, True),
])
@pytest.mark.parametrize("size", [(5, 6), (31, 40), (13, 4), (2, 50)])
def test_resize_float_tensor_is_torch_interpolate(mode, antialias, size):
    x = np.random.default_rng(1).random((2, 3, 13, 17)).astype(np.float32)
    out = F.resize(ember.tensor(x), list(size), mode, antialias=antialias)
    align = None if mode in (M.NEAREST, M.NEAREST_EXACT) else False
    ref = torch.nn.functional.interpolate(torch.tensor(x), size=size, mode=mode.value, align_corners=align, antialias=antialias)
    assert out.dtype is ember.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-5)


# Output width from 2: torch's antialiased kernel (2.13, CPU) is wrong when the output is one
# pixel wide and the height changes; the test below checks that case against Pillow instead.
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 40), st.integers(2, 40), st.booleans())
def test_resize_bilinear_matches_torch_for_any_sizes(in_h, in_w, out_h, out_w, antialias):
    x = np.random.default_rng(in_h * 41 + in_w).random((1, in_h, in_w)).astype(np.float64)
    out = F.resize(ember.tensor(x), [out_h, out_w], antialias=antialias)
    ref = torch.nn.functional.interpolate(torch.tensor(x)[None], size=(out_h, out_w), mode="bilinear", align_corners=False, antialias=antialias)[0]
    assert out.dtype is ember.float64
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-12)


@pytest.mark.parametrize("in_size, out_size", [((2, 1), (3, 1)), ((5, 5), (7, 1)), ((5, 5), (4, 1)), ((5, 5), (1, 7))])
def test_resize_to_one_pixel_wide_antialiased_is_pillows_float_resize(in_size, out_size):
    x = np.random.default_rng(0).random(in_size).astype(np.float32)
    out = F.resize(ember.tensor(x[None]), list(out_size))
    expected = np.asarray(Image.fromarray(x, "F").resize(out_size[::-1], Image.Resampling.BILINEAR))
    np.testing.assert_allclose(out.numpy()[0], expected, atol=1e-6)


@pytest.mark.parametrize("size", [(5, 7), (40, 60), (13, 6), (26, 17)])
def test_resize_uint8_tensor_bilinear_antialias_is_within_one_of_pillow(size):
    arr = image_array(37, 53)
    out = T.Resize(size)(chw(arr))
    assert out.dtype is ember.uint8
    expected = pil_chw(Image.fromarray(arr).resize((size[1], size[0]), Image.Resampling.BILINEAR))
    diff = np.abs(out.numpy().astype(int) - expected.astype(int))
    assert diff.max() <= 1 and diff.mean() < 0.3


def test_resize_uint8_tensor_nearest_exact_is_pillows_nearest():
    arr = image_array(37, 53)
    out = F.resize(chw(arr), [20, 30], M.NEAREST_EXACT)
    np.testing.assert_array_equal(out.numpy(), pil_chw(Image.fromarray(arr).resize((30, 20), Image.Resampling.NEAREST)))


def test_resize_uint8_bicubic_rounds_and_clamps_to_the_byte_range():
    x = np.full((1, 4, 4), 255, np.uint8)
    x[:, :, 1] = 0
    out = F.resize(ember.tensor(x), [4, 16], M.BICUBIC, antialias=False)
    ref = torch.nn.functional.interpolate(torch.tensor(x[None], dtype=torch.float32), size=(4, 16), mode="bicubic", align_corners=False)[0]
    assert ref.max() > 255  # the cubic overshoots, so clamping matters
    np.testing.assert_array_equal(out.numpy(), ref.round().clamp(0, 255).numpy())


def test_resize_smaller_edge_and_max_size():
    x = ember.zeros(3, 20, 40)
    assert T.Resize(10)(x).shape == (3, 10, 20)
    assert T.Resize([10])(x).shape == (3, 10, 20)
    assert T.Resize(10, max_size=15)(x).shape == (3, 7, 15)
    assert T.Resize(None, max_size=30)(x).shape == (3, 15, 30)
    assert T.Resize(10, max_size=15)(Image.new("RGB", (40, 20))).size == (15, 7)
    assert T.Resize(7)(ember.zeros(2, 9, 7)).shape == (2, 9, 7)


def test_resize_returns_the_input_when_the_size_is_unchanged():
    x = ember.zeros(1, 5, 8)
    assert T.Resize((5, 8))(x) is x


def test_resize_errors():
    x = ember.zeros(1, 4, 4)
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize(2.5)
    with pytest.raises(ValueError, match="If size is a sequence, it should have 1 or 2 values"):
        T.Resize([1, 2, 3])
    with pytest.raises(ValueError, match="max_size should only be passed if size specifies the length of the smaller edge"):
        F.resize(x, [2, 2], max_size=5)
    with pytest.raises(ValueError, match="max_size = 2 must be strictly greater"):
        F.resize(x, 3, max_size=2)
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        F.resize(x, 2, "bilinear")
    with pytest.raises(NotImplementedError, match="'lanczos' is supported for PIL images only"):
        F.resize(x, 2, M.LANCZOS)
    with pytest.raises(TypeError, match="Unexpected type"):
        F.resize(np.zeros((4, 4, 3), np.uint8), 2)


def test_resize_warns_that_pil_always_antialiases():
    with pytest.warns(UserWarning, match="Anti-alias option is always applied for PIL Image input"):
        F.resize(Image.new("L", (8, 8)), 4, antialias=False)


def test_resize_repr_and_pil_integer_interpolation():
    r = T.Resize(5, interpolation=3)
    assert r.interpolation is M.BICUBIC
    assert repr(r) == "Resize(size=5, interpolation=bicubic, max_size=None, antialias=True)"


# crop, center_crop

def test_crop_inside_is_slicing_and_outside_pads_with_zero():
    arr = image_array()
    x = chw(arr)
    np.testing.assert_array_equal(F.crop(x, 2, 3, 4, 5).numpy(), arr.transpose(2, 0, 1)[:, 2:6, 3:8])
    out = F.crop(x, -2, -1, 5, 4).numpy()
    expected = np.zeros((3, 5, 4), np.uint8)
    expected[:, 2:, 1:] = arr.transpose(2, 0, 1)[:, :3, :3]
    np.testing.assert_array_equal(out, expected)
    pil = F.crop(Image.fromarray(arr), -2, -1, 5, 4)
    np.testing.assert_array_equal(pil_chw(pil), expected)


@pytest.mark.parametrize("size", [5, (4, 7), [6], (13, 17), (16, 20), (10, 30)])
def test_center_crop_tensor_and_pil_agree(size):
    arr = image_array()
    from_tensor = T.CenterCrop(size)(chw(arr)).numpy()
    from_pil = pil_chw(T.CenterCrop(size)(Image.fromarray(arr)))
    np.testing.assert_array_equal(from_tensor, from_pil)


def test_center_crop_position_and_padding():
    x = ember.arange(25).reshape(1, 5, 5)
    np.testing.assert_array_equal(T.CenterCrop(3)(x).numpy()[0], np.arange(25).reshape(5, 5)[1:4, 1:4])
    big = T.CenterCrop((8, 6))(x).numpy()[0]
    # padded by 1 above, 2 below, 0 left and 1 right: the image sits at rows 1-5, cols 0-4
    assert big.shape == (8, 6)
    np.testing.assert_array_equal(big[1:6, 0:5], np.arange(25).reshape(5, 5))
    assert big[0].sum() == big[6:].sum() == big[:, 5].sum() == 0


def test_center_crop_repr_and_errors():
    assert repr(T.CenterCrop(4)) == "CenterCrop(size=(4, 4))"
    with pytest.raises(ValueError, match=r"Please provide only two dimensions \(h, w\) for size"):
        T.CenterCrop((1, 2, 3))


# pad

@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("padding, widths", [(2, ((2, 2), (2, 2))), ([1, 3], ((3, 3), (1, 1))), ((1, 2, 3, 0), ((2, 0), (1, 3)))])
def test_pad_tensor_and_pil_match_numpy(mode, padding, widths):
    arr = image_array(6, 7)
    expected = np.pad(arr, widths + ((0, 0),), mode)
    np.testing.assert_array_equal(T.Pad(padding, padding_mode=mode)(chw(arr)).numpy(), expected.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(T.Pad(padding, padding_mode=mode)(Image.fromarray(arr))), expected)


def test_pad_reflect_and_symmetric_values():
    x = ember.tensor([[[1, 2, 3, 4]]])
    assert F.pad(x, [2, 0], padding_mode="reflect").numpy()[0, 0].tolist() == [3, 2, 1, 2, 3, 4, 3, 2]
    assert F.pad(x, [2, 0], padding_mode="symmetric").numpy()[0, 0].tolist() == [2, 1, 1, 2, 3, 4, 4, 3]


def test_pad_fill_per_band_on_pil_and_number_on_tensor():
    img = T.Pad(1, fill=(10, 20, 30))(Image.new("RGB", (2, 2)))
    assert img.getpixel((0, 0)) == (10, 20, 30) and img.getpixel((1, 1)) == (0, 0, 0)
    assert T.Pad(1, fill=7)(ember.zeros(2, 2, 2)).numpy()[:, 0, 0].tolist() == [7.0, 7.0]
    with pytest.raises(TypeError, match="Got inappropriate fill arg"):
        F.pad(ember.zeros(3, 2, 2), 1, fill=(1, 2, 3))


def test_pad_negative_crops():
    x = ember.arange(16).reshape(1, 4, 4)
    np.testing.assert_array_equal(F.pad(x, [-1, 0, 0, -1]).numpy()[0], np.arange(16).reshape(4, 4)[:3, 1:])


def test_pad_keeps_a_palette():
    img = Image.new("P", (2, 2))
    img.putpalette([0, 0, 0, 255, 0, 0] * 128)
    out = F.pad(img, 1, fill=1, padding_mode="constant")
    assert out.mode == "P" and out.getpalette()[:6] == [0, 0, 0, 255, 0, 0]
    assert F.pad(img, 1, padding_mode="edge").mode == "P"


def test_pad_errors_and_repr():
    with pytest.raises(TypeError, match="Got inappropriate padding arg"):
        T.Pad("1")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple"):
        T.Pad([1, 2, 3])
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        T.Pad(1, padding_mode="wrap")
    assert repr(T.Pad([1, 2], fill=3, padding_mode="edge")) == "Pad(padding=[1, 2], fill=3, padding_mode=edge)"


# flips

def test_flips_on_tensor_pil_and_batches():
    arr = image_array()
    x = chw(arr)
    np.testing.assert_array_equal(F.hflip(x).numpy(), arr.transpose(2, 0, 1)[:, :, ::-1])
    np.testing.assert_array_equal(F.vflip(x).numpy(), arr.transpose(2, 0, 1)[:, ::-1, :])
    np.testing.assert_array_equal(np.asarray(F.hflip(Image.fromarray(arr))), arr[:, ::-1])
    np.testing.assert_array_equal(np.asarray(F.vflip(Image.fromarray(arr))), arr[::-1])
    batch = ember.stack([x, x])
    np.testing.assert_array_equal(F.hflip(batch).numpy()[1], arr.transpose(2, 0, 1)[:, :, ::-1])
    with pytest.raises(TypeError, match="img should be PIL Image"):
        F.hflip(arr)


# dimensions and the optional Pillow

def test_get_dimensions():
    assert F.get_dimensions(ember.zeros(2, 3, 4, 5)) == [3, 4, 5]
    assert F.get_dimensions(ember.zeros(4, 5)) == [1, 4, 5]
    assert F.get_dimensions(Image.new("RGBA", (5, 4))) == [4, 4, 5]
    assert F.get_image_size(Image.new("L", (5, 4))) == [5, 4]
    assert F.get_image_num_channels(ember.zeros(3, 1, 1)) == 3
    with pytest.raises(TypeError, match="Tensor is not a torch image"):
        F.get_dimensions(ember.zeros(3))


def test_importing_transforms_does_not_import_pillow():
    code = "import sys, ember.vision.transforms as T; T.Compose([T.Resize(2)]); print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_pillow_names_the_extra(monkeypatch):
    from ember.vision.transforms import _image

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install ember\[vision\]"):
        _image._pil()
