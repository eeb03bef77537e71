"""datasets.MNIST, FashionMNIST, KMNIST: IDX files read where torchvision keeps them."""

import gzip
import os

import numpy as np
import pytest
import torch

import ember
from ember.vision import datasets
from ember.vision.datasets.mnist import read_image_file, read_label_file, read_sn3_pascalvincent_tensor

from .datafiles import idx_bytes, write_mnist_raw


@pytest.mark.parametrize("gz", [False, True], ids=["extracted", "gz-only"])
@pytest.mark.parametrize("train", [True, False])
def test_reads_the_raw_files_as_uint8_images_and_int64_labels(tmp_path, gz, train):
    arrays = write_mnist_raw(str(tmp_path / "MNIST" / "raw"), gz=gz)
    ds = datasets.MNIST(str(tmp_path), train=train)
    split = "train" if train else "t10k"
    images, labels = arrays[f"{split}-images-idx3-ubyte"], arrays[f"{split}-labels-idx1-ubyte"]
    assert len(ds) == len(images)
    assert ds.data.dtype == ember.uint8 and ds.targets.dtype == ember.int64
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    image, target = ds[1]
    assert (image.mode, image.size, type(target), target) == ("L", (28, 28), int, labels[1])
    np.testing.assert_array_equal(np.asarray(image), images[1])


def test_transforms_apply_to_the_image_and_the_target(tmp_path):
    arrays = write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    ds = datasets.MNIST(tmp_path, transform=lambda im: np.asarray(im).sum(), target_transform=lambda t: t + 100)
    image, target = ds[0]
    assert image == arrays["train-images-idx3-ubyte"][0].sum()
    assert target == arrays["train-labels-idx1-ubyte"][0] + 100


@pytest.mark.parametrize("cls", [datasets.FashionMNIST, datasets.KMNIST])
def test_variants_read_their_own_folder_and_name_their_classes(tmp_path, cls):
    write_mnist_raw(str(tmp_path / cls.__name__ / "raw"))
    ds = cls(tmp_path, train=False)
    assert ds.raw_folder == os.path.join(str(tmp_path), cls.__name__, "raw")
    assert len(ds) == 2 and len(ds.classes) == 10
    assert ds.class_to_idx[ds.classes[3]] == 3
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.MNIST(tmp_path)


def test_attributes_and_repr_are_torchvisions(tmp_path):
    write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    ds = datasets.MNIST(str(tmp_path), train=False)
    assert ds.classes[0] == "0 - zero" and ds.class_to_idx["9 - nine"] == 9
    assert ds.processed_folder == os.path.join(str(tmp_path), "MNIST", "processed")
    assert repr(ds) == f"Dataset MNIST\n    Number of datapoints: 2\n    Root location: {tmp_path}\n    Split: Test"


def test_missing_files_say_how_to_download(tmp_path):
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.MNIST(str(tmp_path))
    assert os.listdir(tmp_path) == []


def test_legacy_processed_files_written_by_torch_are_read(tmp_path):
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir(parents=True)
    images = torch.randint(0, 256, (4, 28, 28), dtype=torch.uint8)
    labels = torch.tensor([3, 1, 4, 1])
    torch.save((images, labels), processed / "training.pt")
    torch.save((images[:2], labels[:2]), processed / "test.pt")
    ds = datasets.MNIST(tmp_path, train=True)
    np.testing.assert_array_equal(ds.data.numpy(), images.numpy())
    assert ds[2][1] == 4 and ds[2][0].mode == "L"


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_values_are_big_endian_for_every_type(tmp_path, dtype):
    values = (np.arange(24).reshape(2, 3, 4) * (-1 if np.dtype(dtype).kind != "u" else 1)).astype(dtype)
    path = tmp_path / "x-idx3"
    path.write_bytes(idx_bytes(values))
    x = read_sn3_pascalvincent_tensor(str(path))
    assert x.shape == (2, 3, 4) and x.numpy().dtype == np.dtype(dtype)
    np.testing.assert_array_equal(x.numpy(), values)


@pytest.mark.parametrize("content,message", [
    (b"\x08\x03\x00\x00" + bytes(16), "not an IDX file: its magic number is 08030000"),
    (b"\x00\x00\x07\x03" + bytes(16), "not an IDX file"),
    (b"\x00\x00\x08\x09" + bytes(16), "not an IDX file"),
    (b"\x00\x00", "not an IDX file"),
    (b"", "magic number is missing"),
])
def test_a_bad_magic_number_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_sn3_pascalvincent_tensor(str(path))


def test_truncated_and_overlong_files_are_clear_errors(tmp_path):
    data = idx_bytes(np.zeros((3, 28, 28), np.uint8))
    path = tmp_path / "images"
    path.write_bytes(data[:-5])
    with pytest.raises(ValueError, match=r"truncated: shape \(3, 28, 28\) needs 2352 bytes of uint8 data, the file has 2347"):
        read_image_file(str(path))
    path.write_bytes(data[:10])
    with pytest.raises(ValueError, match="truncated: its header of 16 bytes has only 10"):
        read_image_file(str(path))
    path.write_bytes(data + b"extra")
    with pytest.raises(ValueError, match="too long"):
        read_sn3_pascalvincent_tensor(str(path), strict=True)
    gz = tmp_path / "labels.gz"
    gz.write_bytes(gzip.compress(idx_bytes(np.zeros(5, np.uint8)))[:-8])
    with pytest.raises(RuntimeError, match="truncated or corrupt gzip"):
        read_label_file(str(tmp_path / "labels"))


def test_image_and_label_files_check_their_type_and_dimensions(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(idx_bytes(np.zeros((2, 2), np.uint8)))
    with pytest.raises(ValueError, match="should have 3 dimensions instead of 2"):
        read_image_file(str(path))
    with pytest.raises(ValueError, match="should have 1 dimension instead of 2"):
        read_label_file(str(path))
    path.write_bytes(idx_bytes(np.zeros(2, ">i4")))
    with pytest.raises(TypeError, match="should hold uint8 data"):
        read_label_file(str(path))


def test_images_and_labels_of_different_lengths_are_refused(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    write_mnist_raw(str(raw))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(RuntimeError, match="holds 2 t10k images but 5 labels"):
        datasets.MNIST(tmp_path, train=False)


def test_old_attribute_names_warn_and_read_the_new_ones(tmp_path):
    write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    ds = datasets.MNIST(tmp_path)
    with pytest.warns(UserWarning, match="^train_labels has been renamed targets$"):
        assert ds.train_labels is ds.targets
    with pytest.warns(UserWarning, match="^test_data has been renamed data$"):
        assert ds.test_data is ds.data


def test_a_header_declaring_more_data_than_fits_in_int64_is_truncated_not_an_overflow(tmp_path):
    path = tmp_path / "huge"
    path.write_bytes(bytes([0, 0, 8, 3]) + b"\xff\xff\xff\xff" * 3 + bytes(8))
    with pytest.raises(ValueError, match="truncated"):
        read_image_file(str(path))
