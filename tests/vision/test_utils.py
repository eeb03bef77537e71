"""vision.utils: make_grid against a hand-computed layout; normalize, value_range, scale_each;
save_image's `x * 255 + 0.5` rounding."""

import io

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision.utils import make_grid, save_image

_ = -1  # the pad value in the layout below


def _five_images():
    """Five (1, 2, 3) images; image k holds 10k + [[0, 1, 2], [3, 4, 5]]."""
    return ember.tensor(np.arange(5)[:, None, None, None] * 10 + np.arange(6).reshape(1, 1, 2, 3), dtype=ember.float32)


def test_grid_layout_by_hand():
    grid = make_grid(_five_images(), nrow=2, padding=1, pad_value=-1)
    expected = np.array([
        [_, _, _, _, _, _, _, _, _],
        [_, 0, 1, 2, _, 10, 11, 12, _],
        [_, 3, 4, 5, _, 13, 14, 15, _],
        [_, _, _, _, _, _, _, _, _],
        [_, 20, 21, 22, _, 30, 31, 32, _],
        [_, 23, 24, 25, _, 33, 34, 35, _],
        [_, _, _, _, _, _, _, _, _],
        [_, 40, 41, 42, _, _, _, _, _],
        [_, 43, 44, 45, _, _, _, _, _],
        [_, _, _, _, _, _, _, _, _],
    ], dtype=np.float32)
    assert grid.shape == (3, 10, 9) and grid.dtype == ember.float32
    for channel in grid.numpy():  # one channel repeated to three
        np.testing.assert_array_equal(channel, expected)


def test_default_grid_size_and_fewer_images_than_a_row():
    assert make_grid(ember.zeros(16, 1, 28, 28), nrow=4).shape == (3, 122, 122)
    assert make_grid(ember.zeros(3, 3, 4, 5)).shape == (3, 4 + 4, 3 * 7 + 2)  # one row of 3, default padding 2
    assert make_grid(ember.zeros(2, 4, 2, 2), padding=0).shape == (4, 2, 4)  # four channels stay four


def test_a_single_image_is_returned_as_it_is_grey_repeated():
    image = ember.tensor([[[1.0, 2.0], [3.0, 4.0]]])
    np.testing.assert_array_equal(make_grid(image, padding=5).numpy(), np.repeat(image.numpy(), 3, axis=0))
    assert make_grid(image[0]).shape == (3, 2, 2)
    assert make_grid(ember.zeros(1, 2, 3, 3)).shape == (2, 3, 3)


def test_a_list_is_stacked():
    images = list(_five_images())
    np.testing.assert_array_equal(make_grid(images, nrow=3).numpy(), make_grid(_five_images(), nrow=3).numpy())


@pytest.mark.parametrize("kwargs,expected", [
    ({}, [0, 0.25, 0.5, 1]),                                  # the batch's min 0 and max 20
    ({"scale_each": True}, [0, 1, 0, 1]),                     # each image its own
    ({"value_range": (5, 10)}, [0, 0, 1, 1]),                 # clamped to the range first
    ({"value_range": (0, 40), "scale_each": True}, [0, 0.125, 0.25, 0.5]),
])
def test_normalize(kwargs, expected):
    batch = ember.tensor([[[[0.0, 5.0]]], [[[10.0, 20.0]]]])
    grid = make_grid(batch, padding=0, normalize=True, **kwargs)
    np.testing.assert_allclose(grid.numpy()[0, 0], expected, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(batch.numpy().ravel(), [0, 5, 10, 20])  # the input is not changed


def test_normalize_a_constant_image_gives_zeros_not_nan():
    grid = make_grid(ember.full((2, 3, 2, 2), 7.0), normalize=True)
    assert np.isfinite(grid.numpy()).all() and grid.numpy().max() == 0


def test_type_errors_are_torchvisions():
    with pytest.raises(TypeError, match="tensor or list of tensors expected, got <class 'numpy.ndarray'>"):
        make_grid(np.zeros((2, 3, 4, 4)))
    with pytest.raises(TypeError, match="got a list containing <class 'int'>"):
        make_grid([ember.zeros(3, 2, 2), 1])
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(ember.zeros(2, 3, 2, 2), normalize=True, value_range=[0, 1])
    with pytest.raises(ValueError, match="got shape"):
        make_grid(ember.zeros(1, 1, 1, 2, 2))


def test_save_image_rounds_as_torchvision(tmp_path):
    values = [0.0, 0.5 / 255, 0.499, 0.5, 1.0, 1.2, -0.1]
    save_image(ember.tensor([[values]] * 3), tmp_path / "x.png")
    pixels = np.asarray(Image.open(tmp_path / "x.png"))
    assert pixels.shape == (1, 7, 3)
    assert pixels[0, :, 0].tolist() == [0, 1, 127, 128, 255, 255, 0]


def test_save_image_writes_the_grid_to_a_file_object_in_a_format():
    buffer = io.BytesIO()
    batch = ember.rand(5, 1, 2, 3)
    save_image(batch, buffer, format="PNG", nrow=2, padding=1, pad_value=1.0)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    grid = make_grid(batch, nrow=2, padding=1, pad_value=1.0).numpy()
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (9, 10))
    np.testing.assert_array_equal(np.asarray(image), (grid * 255 + 0.5).clip(0, 255).astype(np.uint8).transpose(1, 2, 0))
