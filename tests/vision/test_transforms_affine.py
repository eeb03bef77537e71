"""rotate, affine, RandomRotation and RandomAffine: exact quarter turns and shifts, tensors
against torch's grid_sample and against Pillow, fill, expand, get_params, errors and reprs."""

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision import transforms as T
from ember.vision.transforms import InterpolationMode as M, functional as F
from ember.vision.transforms._warp import _get_inverse_affine_matrix


def image_array(h: int = 6, w: int = 8, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def chw(arr: np.ndarray) -> ember.Tensor:
    return ember.tensor(arr.transpose(2, 0, 1))


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_quarter_turns_are_exact_on_tensors_and_pil(turns):
    arr = image_array(6, 6)
    expected = np.rot90(arr, turns)
    np.testing.assert_array_equal(F.rotate(chw(arr), 90.0 * turns).numpy(), expected.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(F.rotate(Image.fromarray(arr), 90.0 * turns)), expected)


def test_rotate_expand_holds_the_whole_image():
    arr = image_array(6, 8)
    out = F.rotate(chw(arr), 90, expand=True)
    np.testing.assert_array_equal(out.numpy(), np.rot90(arr, 1).transpose(2, 0, 1))
    assert F.rotate(chw(arr), 45, expand=True).shape == (3, 10, 10)
    assert F.rotate(Image.fromarray(arr), 45, expand=True).size == (10, 10)


@pytest.mark.parametrize("angle", [17.0, 30.0, -100.0])
def test_rotate_nearest_tensor_agrees_with_pillow(angle):
    arr = image_array(20, 24)
    from_tensor = F.rotate(chw(arr), angle).numpy()
    from_pil = np.asarray(F.rotate(Image.fromarray(arr), angle)).transpose(2, 0, 1)
    assert (from_tensor != from_pil).mean() < 0.03  # only ties at exact half pixels may differ


def test_affine_bilinear_tensor_is_grid_sample_at_the_inverse_map():
    x = np.random.default_rng(2).random((2, 3, 9, 11)).astype(np.float32)
    angle, translate, scale, shear = 25.0, [1, -2], 1.3, [8.0, -4.0]
    out = F.affine(ember.tensor(x), angle, translate, scale, shear, interpolation=M.BILINEAR)
    a, b, c, d, e, f = _get_inverse_affine_matrix([0.0, 0.0], angle, translate, scale, shear)
    h, w = 9, 11
    xs, ys = np.meshgrid(np.arange(w) - (w - 1) / 2, np.arange(h) - (h - 1) / 2)
    # source pixel centre, relative to the image centre, in grid_sample's [-1, 1] units
    grid = np.stack([(a * xs + b * ys + c) / (w / 2), (d * xs + e * ys + f) / (h / 2)], axis=-1)
    grid = torch.tensor(np.broadcast_to(grid, (2, h, w, 2)).copy(), dtype=torch.float32)
    ref = torch.nn.functional.grid_sample(torch.tensor(x), grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-5)


def test_affine_translation_shifts_and_fills():
    arr = image_array(5, 6)
    expected = np.full_like(arr, 9)
    expected[1:, 2:] = arr[:-1, :-2]
    out = F.affine(chw(arr), 0.0, [2, 1], 1.0, 0.0, fill=[9.0, 9.0, 9.0])
    np.testing.assert_array_equal(out.numpy(), expected.transpose(2, 0, 1))
    pil = F.affine(Image.fromarray(arr), 0.0, [2, 1], 1.0, 0.0, fill=9)
    np.testing.assert_array_equal(np.asarray(pil), expected)


def test_rotate_fill_colours_the_corners():
    x = ember.ones(3, 9, 9)
    out = F.rotate(x, 45, fill=[0.25, 0.5, 0.75]).numpy()
    np.testing.assert_allclose(out[:, 0, 0], [0.25, 0.5, 0.75])
    assert out[:, 4, 4].tolist() == [1.0, 1.0, 1.0]
    # torchvision blends bilinear output with the fill through the sampled all-ones mask m:
    # out = sample(img) * m + (1 - m) * fill, where sample(img) already holds zeros outside
    mask = F.rotate(x, 45, M.BILINEAR).numpy()
    bilinear = F.rotate(x, 45, M.BILINEAR, fill=[0.5]).numpy()
    np.testing.assert_allclose(bilinear, mask * mask + (1 - mask) * 0.5, rtol=1e-6)
    assert bilinear[0, 0, 0] == 0.5
    pil = F.rotate(Image.new("RGB", (9, 9), (255, 255, 255)), 45, fill=(1, 2, 3))
    assert pil.getpixel((0, 0)) == (1, 2, 3)


def test_rotate_about_a_corner():
    x = ember.arange(16.0).reshape(1, 4, 4)
    out = F.rotate(x, 90, center=[0, 0]).numpy()[0]
    pil = np.asarray(F.rotate(Image.fromarray(np.arange(16, dtype=np.float32).reshape(4, 4), "F"), 90, center=[0, 0]))
    np.testing.assert_array_equal(out, pil)


def test_affine_on_a_2d_tensor_and_a_batch():
    x = ember.rand(5, 7)
    assert F.affine(x, 10.0, [0, 0], 1.0, 0.0).shape == (5, 7)
    batch = ember.rand(4, 3, 5, 7)
    out = F.affine(batch, 10.0, [1, 0], 0.9, 5.0).numpy()
    np.testing.assert_array_equal(out[2], F.affine(batch[2], 10.0, [1, 0], 0.9, 5.0).numpy())


def test_warp_errors():
    x = ember.zeros(3, 4, 4)
    with pytest.raises(TypeError, match="Argument angle should be int or float"):
        F.rotate(x, "90")
    with pytest.raises(TypeError, match="Argument center should be a sequence"):
        F.rotate(x, 9, center=1)
    with pytest.raises(ValueError, match="Interpolation mode 'bicubic' is unsupported with Tensor input"):
        F.rotate(x, 9, M.BICUBIC)
    with pytest.raises(ValueError, match=r"cannot broadcast to match the number of channels of the image \(2 != 3\)"):
        F.rotate(x, 9, fill=[1.0, 2.0])
    with pytest.raises(TypeError, match="Argument translate should be a sequence"):
        F.affine(x, 0, 1, 1.0, 0)
    with pytest.raises(ValueError, match="Argument translate should be a sequence of length 2"):
        F.affine(x, 0, [1], 1.0, 0)
    with pytest.raises(ValueError, match="Argument scale should be positive"):
        F.affine(x, 0, [0, 0], 0.0, 0)
    with pytest.raises(ValueError, match="Shear should be a sequence containing two values"):
        F.affine(x, 0, [0, 0], 1.0, [1, 2, 3])
    with pytest.raises(ValueError, match=r"does not match the number of channels of the image \(2 != 3\)"):
        F.rotate(Image.new("RGB", (4, 4)), 9, fill=(1, 2))


# RandomRotation, RandomAffine

def test_random_rotation_get_params_and_output():
    angles = [T.RandomRotation.get_params([10.0, 20.0]) for _ in range(300)]
    assert 10 <= min(angles) < 11 and 19 < max(angles) < 20
    arr = image_array()
    ember.manual_seed(4)
    out = T.RandomRotation((10, 20), fill=5)(chw(arr))
    ember.manual_seed(4)
    angle = T.RandomRotation.get_params([10.0, 20.0])
    np.testing.assert_array_equal(out.numpy(), F.rotate(chw(arr), angle, fill=[5.0] * 3).numpy())


def test_random_rotation_checks_and_repr():
    assert T.RandomRotation(30).degrees == [-30.0, 30.0]
    with pytest.raises(ValueError, match="If degrees is a single number, it must be positive"):
        T.RandomRotation(-1)
    with pytest.raises(ValueError, match="degrees should be a sequence of length 2"):
        T.RandomRotation([1, 2, 3])
    with pytest.raises(ValueError, match="center should be a sequence of length 2"):
        T.RandomRotation(3, center=[1])
    with pytest.raises(TypeError, match="Fill should be either a sequence or a number"):
        T.RandomRotation(3, fill=object())
    assert repr(T.RandomRotation(30)) == "RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, expand=False, fill=0)"
    assert repr(T.RandomRotation((0, 9), 2, True, (1, 1), 3)) == (
        "RandomRotation(degrees=[0.0, 9.0], interpolation=bilinear, expand=True, center=(1, 1), fill=3)"
    )


def test_random_affine_get_params_ranges():
    for _ in range(200):
        angle, (tx, ty), scale, (sx, sy) = T.RandomAffine.get_params([-5.0, 5.0], [0.1, 0.2], [0.5, 0.6], [1.0, 2.0, 3.0, 4.0], [50, 30])
        assert -5 <= angle < 5 and 0.5 <= scale < 0.6 and 1 <= sx < 2 and 3 <= sy < 4
        assert isinstance(tx, int) and abs(tx) <= 5 and abs(ty) <= 6
    assert T.RandomAffine.get_params([0.0, 0.0], None, None, None, [5, 5])[1:] == ((0, 0), 1.0, (0.0, 0.0))


def test_random_affine_output_is_affine_with_the_drawn_params():
    arr = image_array(10, 12)
    t = T.RandomAffine(20, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5, interpolation=M.BILINEAR)
    ember.manual_seed(9)
    out = t(Image.fromarray(arr))
    ember.manual_seed(9)
    angle, translate, scale, shear = T.RandomAffine.get_params(t.degrees, t.translate, t.scale, t.shear, [12, 10])
    expected = F.affine(Image.fromarray(arr), angle, list(translate), scale, list(shear), M.BILINEAR, fill=0)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))


def test_random_affine_checks_and_repr():
    with pytest.raises(ValueError, match="translation values should be between 0 and 1"):
        T.RandomAffine(0, translate=(0.5, 1.5))
    with pytest.raises(ValueError, match="scale values should be positive"):
        T.RandomAffine(0, scale=(0, 1))
    with pytest.raises(ValueError, match="shear should be a sequence of length 2 or 4"):
        T.RandomAffine(0, shear=(1, 2, 3))
    assert repr(T.RandomAffine(10)) == "RandomAffine(degrees=[-10.0, 10.0])"
    assert repr(T.RandomAffine(10, (0.1, 0.2), (0.5, 2), 3, M.BILINEAR, 1, (0, 0))) == (
        "RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.2), scale=(0.5, 2), shear=[-3.0, 3.0], "
        "interpolation=bilinear, fill=1, center=(0, 0))"
    )
