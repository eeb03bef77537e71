"""VisionDataset and StandardTransform (torchvision's repr and argument rules), FakeData, Digits' repr."""

import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.vision import datasets
from ember.vision._pil import pil_image


class Squares(datasets.VisionDataset):
    def __getitem__(self, index):
        return self._apply_transforms(index * index, index)

    def __len__(self):
        return 3

    def extra_repr(self):
        return "Kind: squares\nSplit: Train"


class Named:
    def __init__(self, text):
        self.text = text

    def __call__(self, x):
        return x

    def __repr__(self):
        return self.text


def test_repr_is_torchvisions_including_its_unindented_transform_lines():
    ds = Squares("~/data", transform=Named("Compose(\n    ToTensor()\n)"), target_transform=Named("Lambda()"))
    assert repr(ds) == "\n".join([
        "Dataset Squares",
        "    Number of datapoints: 3",
        f"    Root location: {os.path.expanduser('~/data')}",
        "    Kind: squares",
        "    Split: Train",
        "    StandardTransform",
        "Transform: Compose(",
        "               ToTensor()",
        "           )",
        "Target transform: Lambda()",
    ])
    assert repr(Squares()) == "Dataset Squares\n    Number of datapoints: 3\n    Kind: squares\n    Split: Train"


def test_transforms_or_separate_transforms_but_not_both():
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform can be passed as argument"):
        Squares(transforms=lambda x, y: (x, y), target_transform=str)
    ds = Squares(transforms=lambda x, y: (x, y))
    assert ds.transform is None and ds.target_transform is None and repr(ds).count("<function") == 1
    ds = Squares(target_transform=str)
    assert ds[2] == (4, "2") and isinstance(ds.transforms, datasets.StandardTransform)
    assert ds.transforms(3, 4) == (3, "4")
    ds.transform = lambda x: -x
    assert ds[2] == (-4, "2")


def test_base_class_methods_are_abstract():
    base = datasets.VisionDataset("root")
    with pytest.raises(NotImplementedError):
        base[0]
    with pytest.raises(NotImplementedError):
        len(base)


def test_fake_data_is_the_same_for_the_same_index_and_leaves_the_global_generator_alone():
    ds = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3)
    ember.manual_seed(1)
    before = ember.rand(3)
    ember.manual_seed(1)
    image, target = ds[2]
    np.testing.assert_array_equal(ember.rand(3).numpy(), before.numpy())
    again, target_again = ds[2]
    assert (image.mode, image.size) == ("RGB", (4, 6)) and type(target) is int and 0 <= target < 3
    np.testing.assert_array_equal(np.asarray(image), np.asarray(again))
    assert target == target_again and len(ds) == 5
    assert not np.array_equal(np.asarray(ds[3][0]), np.asarray(image))
    shifted = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3, random_offset=1)
    np.testing.assert_array_equal(np.asarray(shifted[1][0]), np.asarray(image))


def test_fake_data_pixels_are_normal_draws_times_255_truncated_and_wrapped():
    ds = datasets.FakeData(size=1, image_size=(1, 40, 50), num_classes=10)
    generator = ember.Generator().manual_seed(0)
    draws = ember.randn(1, 40, 50, generator=generator).numpy()[0]
    expected = (np.trunc(draws * 255).astype(np.int64) % 256).astype(np.uint8)
    image, _ = ds[0]
    assert image.mode == "L"
    np.testing.assert_array_equal(np.asarray(image), expected)


def test_fake_data_modes_transforms_and_errors():
    assert datasets.FakeData(2, (4, 2, 2))[0][0].mode == "RGBA"
    assert datasets.FakeData(2, (2, 2, 2))[0][0].mode == "LA"
    ds = datasets.FakeData(2, (1, 2, 2), transform=np.asarray, target_transform=lambda t: t + 10)
    image, target = ds[1]
    assert image.shape == (2, 2) and 10 <= target < 20
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[2]
    with pytest.raises(ValueError, match="image_size should be"):
        datasets.FakeData(2, (5, 2, 2))
    assert repr(ds).startswith("Dataset FakeData\n    Number of datapoints: 2\n    StandardTransform")


def test_digits_is_a_vision_dataset_with_torchvisions_repr():
    ds = datasets.Digits(train=False)
    assert isinstance(ds, datasets.VisionDataset)
    assert repr(ds) == "Dataset Digits\n    Number of datapoints: 360\n    Split: Test"


def test_importing_the_modules_does_not_import_pillow():
    code = ("import sys, ember.vision.datasets, ember.vision.io, ember.vision.utils; "
            "assert 'PIL' not in sys.modules, 'Pillow imported'")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


@pytest.fixture
def uncached_pillow():
    pil_image.cache_clear()
    yield
    pil_image.cache_clear()


def test_without_pillow_the_error_names_the_install_command(monkeypatch, uncached_pillow):
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(ImportError, match=r"pip install ember\[vision\]"):
        datasets.FakeData(2, (1, 2, 2))[0]
