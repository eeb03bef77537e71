"""vision.io: read_image / decode_image / read_file into uint8 (C, H, W) tensors, torchvision's modes."""

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision.io import ImageReadMode, decode_image, read_file, read_image

RNG = np.random.default_rng(0)


def _saved(tmp_path, array, mode, name="im.png", **save_kwargs):
    path = tmp_path / name
    Image.fromarray(array, mode=mode).save(path, **save_kwargs)
    return path


@pytest.mark.parametrize("mode,channels", [("L", 1), ("LA", 2), ("RGB", 3), ("RGBA", 4)])
def test_unchanged_keeps_the_stored_channels_as_chw(tmp_path, mode, channels):
    array = RNG.integers(0, 256, (5, 7, channels) if channels > 1 else (5, 7), dtype=np.uint8)
    image = read_image(_saved(tmp_path, array, mode))
    assert image.dtype == ember.uint8 and image.shape == (channels, 5, 7)
    np.testing.assert_array_equal(image.numpy(), array.reshape(5, 7, channels).transpose(2, 0, 1))


def test_modes_convert_as_pillow_does(tmp_path):
    rgba = RNG.integers(0, 256, (4, 6, 4), dtype=np.uint8)
    path = _saved(tmp_path, rgba, "RGBA")
    pil = Image.open(path)
    for mode, pil_mode in [(ImageReadMode.GRAY, "L"), (ImageReadMode.GRAY_ALPHA, "LA"), (ImageReadMode.RGB, "RGB"),
                           (ImageReadMode.RGB_ALPHA, "RGBA")]:
        expected = np.asarray(pil.convert(pil_mode)).reshape(4, 6, -1).transpose(2, 0, 1)
        np.testing.assert_array_equal(read_image(path, mode).numpy(), expected)
    grey = read_image(_saved(tmp_path, rgba[..., 0], "L", "g.png"), ImageReadMode.RGB_ALPHA).numpy()
    np.testing.assert_array_equal(grey[:3], np.stack([rgba[..., 0]] * 3))
    assert (grey[3] == 255).all()
    assert ImageReadMode.RGBA is ImageReadMode.RGB_ALPHA
    assert read_image(path, "rgb").shape == (3, 4, 6) and read_image(str(path), "GRAY").shape == (1, 4, 6)


def test_palette_images_expand_to_rgb_or_rgba(tmp_path):
    palette = Image.new("P", (3, 2))
    palette.putpalette([255, 0, 0, 0, 255, 0])
    palette.putpixel((1, 0), 1)
    palette.save(tmp_path / "p.png")
    image = read_image(tmp_path / "p.png")
    assert image.shape == (3, 2, 3) and image.numpy()[:, 0, 1].tolist() == [0, 255, 0]
    palette.save(tmp_path / "pt.png", transparency=0)
    assert read_image(tmp_path / "pt.png").numpy()[3].tolist() == [[0, 255, 0], [0, 0, 0]]


def test_jpeg_grey_and_exif_orientation(tmp_path):
    array = np.tile(np.arange(0, 240, 30, dtype=np.uint8), (4, 1))
    assert read_image(_saved(tmp_path, array, "L", "g.jpg", quality=100)).shape == (1, 4, 8)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = _saved(tmp_path, array, "L", "r.jpg", exif=exif)
    assert read_image(path).shape == (1, 4, 8)
    assert read_image(path, apply_exif_orientation=True).shape == (1, 8, 4)


def test_decode_image_from_the_bytes_of_read_file(tmp_path):
    array = RNG.integers(0, 256, (3, 3, 3), dtype=np.uint8)
    path = _saved(tmp_path, array, "RGB")
    data = read_file(path)
    assert data.dtype == ember.uint8 and data.dim() == 1 and bytes(data.numpy()) == path.read_bytes()
    np.testing.assert_array_equal(decode_image(data).numpy(), read_image(path).numpy())
    np.testing.assert_array_equal(decode_image(str(path), ImageReadMode.GRAY).numpy(), read_image(path, "GRAY").numpy())


def test_errors_are_clear(tmp_path):
    with pytest.raises(RuntimeError, match="Unsupported image file"):
        decode_image(ember.tensor([1, 2, 3], dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="Expected a 1-d uint8 tensor"):
        decode_image(ember.zeros(4))
    with pytest.raises(ValueError, match="Unknown image read mode 'CMYK'"):
        read_image(tmp_path / "x.png", "CMYK")
    with pytest.raises(FileNotFoundError):
        read_image(tmp_path / "missing.png")
    Image.fromarray(np.full((2, 2), 1000, np.uint16)).save(tmp_path / "deep.png")
    with pytest.raises(RuntimeError, match="reads 8-bit images"):
        read_image(tmp_path / "deep.png")
