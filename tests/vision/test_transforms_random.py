"""The random transforms: get_params against their documented distributions, padding and
fallbacks, probabilities, and reproducibility under ember.manual_seed (different seeds differ)."""


import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F


def image_array(h: int = 24, w: int = 32, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def as_array(img) -> np.ndarray:
    return img.numpy() if isinstance(img, ember.Tensor) else np.asarray(img)


RANDOM_TRANSFORMS = [
    T.RandomCrop(12, padding=2),
    T.RandomResizedCrop(10),
    T.RandomHorizontalFlip(),
    T.RandomVerticalFlip(),
    T.RandomRotation(45),
    T.RandomAffine(30, translate=(0.2, 0.2), scale=(0.7, 1.3), shear=(-10, 10, -5, 5)),
    T.ColorJitter(0.5, 0.5, 0.5, 0.2),
    T.RandomGrayscale(0.5),
    T.RandomMask(6),
    T.RandomApply([T.Grayscale(3)]),
    T.RandomChoice([T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(1.0), T.Grayscale(3)]),
]


@pytest.mark.parametrize("kind", ["tensor", "pil"])
@pytest.mark.parametrize("transform", RANDOM_TRANSFORMS, ids=lambda t: type(t).__name__)
def test_same_seed_same_output_other_seeds_differ(transform, kind):
    arr = image_array()
    img = ember.tensor(arr.transpose(2, 0, 1)) if kind == "tensor" else Image.fromarray(arr)

    def run(seed):
        ember.manual_seed(seed)
        return [as_array(transform(img)) for _ in range(3)]

    first = run(0)
    assert all(np.array_equal(a, b) for a, b in zip(first, run(0)))
    others = [run(seed) for seed in range(1, 6)]
    assert any(not all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(first, other)) for other in others)


def test_random_erasing_is_reproducible():
    x = ember.rand(3, 20, 20)
    t = T.RandomErasing(p=1.0, value="random")
    ember.manual_seed(3)
    a = t(x).numpy()
    ember.manual_seed(3)
    np.testing.assert_array_equal(t(x).numpy(), a)
    ember.manual_seed(4)
    assert not np.array_equal(t(x).numpy(), a)


# RandomCrop

def test_random_crop_get_params_covers_every_position():
    img = ember.zeros(1, 5, 6)
    seen = {T.RandomCrop.get_params(img, (3, 2))[:2] for _ in range(400)}
    assert seen == {(i, j) for i in range(3) for j in range(5)}
    assert T.RandomCrop.get_params(img, (5, 6)) == (0, 0, 5, 6)
    with pytest.raises(ValueError, match=r"Required crop size \(6, 6\) is larger than input image size \(5, 6\)"):
        T.RandomCrop.get_params(img, (6, 6))


def test_random_crop_is_a_window_of_the_padded_image():
    arr = image_array(8, 10)
    x = ember.tensor(arr.transpose(2, 0, 1))
    padded = np.pad(arr.transpose(2, 0, 1), ((0, 0), (3, 3), (3, 3)), mode="reflect")
    ember.manual_seed(7)
    out = T.RandomCrop((8, 10), padding=3, padding_mode="reflect")(x).numpy()
    ember.manual_seed(7)
    i, j, h, w = T.RandomCrop.get_params(ember.zeros(1, 14, 16), (8, 10))
    np.testing.assert_array_equal(out, padded[:, i:i + h, j:j + w])


def test_random_crop_pad_if_needed_with_fill():
    img = Image.fromarray(image_array(4, 5))
    out = T.RandomCrop((9, 5), pad_if_needed=True, fill=(1, 2, 3))(img)
    assert out.size == (5, 9)
    x = ember.zeros(1, 4, 5)
    out = T.RandomCrop((9, 5), pad_if_needed=True, fill=9)(x)
    assert out.shape == (1, 9, 5)
    assert out.numpy().sum() == 9 * 5 * 5  # five padded rows of nines, whatever the offset
    with pytest.raises(ValueError, match="Required crop size"):
        T.RandomCrop(9)(x)


def test_random_crop_repr():
    assert repr(T.RandomCrop(4, padding=2)) == "RandomCrop(size=(4, 4), padding=2)"


# RandomResizedCrop

def test_random_resized_crop_get_params_fit_scale_and_ratio():
    img = ember.zeros(1, 100, 120)
    for _ in range(200):
        i, j, h, w = T.RandomResizedCrop.get_params(img, scale=(0.2, 0.5), ratio=(0.5, 2.0))
        assert 0 <= i <= 100 - h and 0 <= j <= 120 - w
        assert 0.2 * 12000 * 0.8 <= h * w <= 0.5 * 12000 * 1.2
        assert 0.5 * 0.8 <= w / h <= 2.0 * 1.2


def test_random_resized_crop_falls_back_to_a_central_crop():
    # no box of 2-3x the area fits; the fallback clamps the aspect ratio of a 10x40 image to 2
    assert T.RandomResizedCrop.get_params(ember.zeros(1, 10, 40), scale=(2.0, 3.0), ratio=(1.0, 2.0)) == (0, 10, 10, 20)
    assert T.RandomResizedCrop.get_params(ember.zeros(1, 40, 10), scale=(2.0, 3.0), ratio=(1.0, 2.0)) == (15, 0, 10, 10)
    assert T.RandomResizedCrop.get_params(ember.zeros(1, 10, 15), scale=(2.0, 3.0), ratio=(1.0, 2.0)) == (0, 0, 10, 15)


def test_random_resized_crop_output_is_resized_crop():
    arr = image_array()
    img = Image.fromarray(arr)
    ember.manual_seed(11)
    out = T.RandomResizedCrop((7, 9), interpolation=T.InterpolationMode.BICUBIC)(img)
    ember.manual_seed(11)
    i, j, h, w = T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3))
    expected = img.crop((j, i, j + w, i + h)).resize((9, 7), Image.Resampling.BICUBIC)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))


def test_random_resized_crop_checks_and_repr():
    with pytest.raises(TypeError, match="Scale should be a sequence"):
        T.RandomResizedCrop(4, scale=0.5)
    with pytest.raises(TypeError, match="Ratio should be a sequence"):
        T.RandomResizedCrop(4, ratio=1.0)
    with pytest.warns(UserWarning, match=r"Scale and ratio should be of kind \(min, max\)"):
        T.RandomResizedCrop(4, scale=(1.0, 0.5))
    assert repr(T.RandomResizedCrop(4)) == (
        "RandomResizedCrop(size=(4, 4), scale=(0.08, 1.0), ratio=(0.75, 1.3333), interpolation=bilinear, antialias=True)"
    )


# flips

@pytest.mark.parametrize("cls, flip", [(T.RandomHorizontalFlip, F.hflip), (T.RandomVerticalFlip, F.vflip)])
def test_random_flip_probability(cls, flip):
    x = ember.arange(6.0).reshape(1, 2, 3)
    flipped = flip(x).numpy()
    outs = [cls(p=0.25)(x).numpy() for _ in range(800)]
    assert 0.19 < sum(np.array_equal(o, flipped) for o in outs) / 800 < 0.31
    assert np.array_equal(cls(p=1.0)(x).numpy(), flipped)
    assert cls(p=0.0)(x) is x
    assert repr(cls(0.3)) == f"{cls.__name__}(p=0.3)"


# RandomErasing

def test_random_erasing_get_params_and_value():
    x = ember.ones(3, 10, 20)
    i, j, h, w, v = T.RandomErasing.get_params(x, scale=(0.1, 0.2), ratio=(0.5, 2.0), value=[0.0])
    assert 0 <= i <= 10 - h and 0 <= j <= 20 - w and v.shape == (1, 1, 1)
    _, _, h, w, v = T.RandomErasing.get_params(x, scale=(0.1, 0.2), ratio=(0.5, 2.0))
    assert v.shape == (3, h, w) and v.dtype is ember.float32
    assert T.RandomErasing.get_params(x, scale=(1.0, 1.0), ratio=(1.0, 1.0))[4] is x


def test_random_erasing_fills_one_box_per_channel_value():
    x = ember.ones(3, 16, 16)
    out = T.RandomErasing(p=1.0, value=(2.0, 3.0, 4.0))(x).numpy()
    for c, value in enumerate((2.0, 3.0, 4.0)):
        rows, cols = np.nonzero(out[c] == value)
        assert rows.size and rows.size == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
    assert x.numpy().min() == 1.0  # not in place


def test_random_erasing_inplace_and_probability():
    x = ember.ones(1, 16, 16)
    assert T.RandomErasing(p=1.0, inplace=True)(x) is x and x.numpy().min() == 0.0
    y = ember.ones(1, 16, 16)
    assert T.RandomErasing(p=0.0)(y) is y


def test_random_erasing_errors_and_repr():
    with pytest.raises(TypeError, match="Argument value should be either a number or str or a sequence"):
        T.RandomErasing(value=None)
    with pytest.raises(ValueError, match="If value is str, it should be 'random'"):
        T.RandomErasing(value="noise")
    with pytest.raises(ValueError, match="Scale should be between 0 and 1"):
        T.RandomErasing(scale=(0.5, 1.5))
    with pytest.raises(ValueError, match="Random erasing probability should be between 0 and 1"):
        T.RandomErasing(p=1.5)
    with pytest.raises(ValueError, match=r"either a single value or 3 \(number of input channels\)"):
        T.RandomErasing(p=1.0, value=(1, 2))(ember.ones(3, 8, 8))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.erase(np.zeros((3, 4, 4)), 0, 0, 1, 1, 0)
    assert repr(T.RandomErasing()) == "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)"


# RandomMask

def test_random_mask_zeroes_one_square_on_tensors():
    x = ember.ones(2, 3, 10, 12)
    out = T.RandomMask(4, p=1.0)(x).numpy()
    zeros = out == 0
    assert zeros.sum() == 2 * 3 * 16
    rows, cols = np.nonzero(zeros[0, 0])
    assert rows.max() - rows.min() == 3 and cols.max() - cols.min() == 3
    assert (zeros == zeros[0, 0]).all()  # the same patch on every channel and image
    assert x.numpy().min() == 1.0


def test_random_mask_fills_each_channel_of_a_tensor():
    out = T.RandomMask((2, 3), p=1.0, fill=(5, 6))(ember.zeros(2, 4, 4, dtype=ember.uint8)).numpy()
    assert out.dtype == np.uint8
    assert (out[0] == 5).sum() == (out[1] == 6).sum() == 6
    assert ((out[0] == 5) == (out[1] == 6)).all()


def test_random_mask_on_pil_with_fill_and_rectangle():
    img = Image.new("RGB", (10, 8), (200, 200, 200))
    out = T.RandomMask((3, 5), p=1.0, fill=(1, 2, 3))(img)
    arr = np.asarray(out)
    masked = (arr == (1, 2, 3)).all(axis=2)
    rows, cols = np.nonzero(masked)
    assert masked.sum() == 15 and rows.max() - rows.min() == 2 and cols.max() - cols.min() == 4
    assert np.asarray(img).min() == 200


def test_random_mask_positions_are_uniform_and_match_get_params():
    x = ember.ones(1, 4, 4)
    ember.manual_seed(2)
    out = T.RandomMask(2, p=1.0)(x).numpy()[0]
    ember.manual_seed(2)
    ember.rand(1)
    i, j, h, w = T.RandomMask.get_params(x, (2, 2))
    assert (out[i:i + h, j:j + w] == 0).all() and out.sum() == 12
    seen = {T.RandomMask.get_params(x, (2, 2))[:2] for _ in range(300)}
    assert seen == {(i, j) for i in range(3) for j in range(3)}


def test_random_mask_probability_errors_and_repr():
    x = ember.ones(1, 6, 6)
    assert T.RandomMask(2, p=0.0)(x) is x
    hits = sum(T.RandomMask(2, p=0.3)(x).numpy().min() == 0 for _ in range(500))
    assert 0.24 < hits / 500 < 0.36
    with pytest.raises(ValueError, match=r"Mask size \(7, 7\) is larger than input image size \(6, 6\)"):
        T.RandomMask(7, p=1.0)(x)
    with pytest.raises(ValueError, match="size should be positive"):
        T.RandomMask(0)
    with pytest.raises(ValueError, match="p should be between 0 and 1"):
        T.RandomMask(2, p=2)
    assert repr(T.RandomMask(3)) == "RandomMask(size=(3, 3), p=0.5, fill=0)"
