"""datasets.DatasetFolder, ImageFolder, find_classes and make_dataset: torchvision's layout, order and errors."""

import os

import numpy as np
import pytest
from PIL import Image

from ember.vision import datasets
from ember.vision.datasets.folder import IMG_EXTENSIONS, find_classes, has_file_allowed_extension, make_dataset


def _png(path, value, mode="L"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, (3, 2), value).save(path)


@pytest.fixture
def tree(tmp_path):
    """root/cat/{b.png, a.PNG, notes.txt, sub/c.png}, root/dog/d.jpg, root/readme.md."""
    _png(tmp_path / "cat" / "b.png", 10)
    _png(tmp_path / "cat" / "a.PNG", 20)
    _png(tmp_path / "cat" / "sub" / "c.png", 30, "RGBA")
    (tmp_path / "dog").mkdir()
    Image.new("RGB", (3, 2), (1, 2, 3)).save(tmp_path / "dog" / "d.jpg")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    (tmp_path / "readme.md").write_text("a file at the root is no class")
    return tmp_path


def test_image_folder_finds_classes_and_sorted_samples(tree):
    ds = datasets.ImageFolder(str(tree))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    expected = [(os.path.join(str(tree), "cat", "a.PNG"), 0), (os.path.join(str(tree), "cat", "b.png"), 0),
                (os.path.join(str(tree), "cat", "sub", "c.png"), 0), (os.path.join(str(tree), "dog", "d.jpg"), 1)]
    assert ds.samples == expected and ds.imgs is ds.samples and ds.targets == [0, 0, 0, 1]
    assert ds.extensions == IMG_EXTENSIONS and len(ds) == 4


def test_image_folder_loads_rgb_pil_images_through_the_transforms(tree):
    ds = datasets.ImageFolder(tree, transform=np.asarray, target_transform=str)
    image, target = ds[1]
    assert image.shape == (2, 3, 3) and (image == 10).all() and target == "0"
    raw, label = datasets.ImageFolder(tree)[2]
    assert (raw.mode, raw.size, label) == ("RGB", (3, 2), 0)


def test_custom_loader_and_is_valid_file(tree):
    ds = datasets.ImageFolder(tree, loader=os.path.basename, is_valid_file=lambda p: p.endswith((".txt", ".jpg")))
    assert [ds[i] for i in range(len(ds))] == [("notes.txt", 0), ("d.jpg", 1)]
    assert ds.extensions is None


def test_dataset_folder_with_a_string_extension(tree):
    ds = datasets.DatasetFolder(tree, loader=lambda p: open(p).read(), extensions=".txt", allow_empty=True)
    assert ds[0] == ("not an image", 0) and len(ds) == 1


def test_both_or_neither_of_extensions_and_is_valid_file_is_an_error(tree):
    message = "Both extensions and is_valid_file cannot be None or not None at the same time"
    with pytest.raises(ValueError, match=message):
        datasets.DatasetFolder(tree, loader=str)
    with pytest.raises(ValueError, match=message):
        datasets.DatasetFolder(tree, loader=str, extensions=(".png",), is_valid_file=bool)


def test_a_class_without_valid_files_is_an_error_unless_allowed(tree):
    (tree / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"^Found no valid file for the classes empty\. Supported extensions "
                                                r"are: \.jpg, \.jpeg, \.png"):
        datasets.ImageFolder(tree)
    with pytest.raises(FileNotFoundError, match=r"^Found no valid file for the classes dog, empty\. $"):
        datasets.ImageFolder(tree, is_valid_file=lambda p: p.endswith(".png"))
    ds = datasets.ImageFolder(tree, allow_empty=True)
    assert ds.classes == ["cat", "dog", "empty"] and ds.targets == [0, 0, 0, 1]
    with pytest.raises(FileNotFoundError, match="for the classes cat, dog, empty. Supported extensions are: .xyz"):
        make_dataset(tree, extensions=".xyz")


def test_a_root_without_class_folders_is_an_error(tmp_path):
    (tmp_path / "a.png").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="^Couldn't find any class folder in"):
        datasets.ImageFolder(tmp_path)
    with pytest.raises(FileNotFoundError):
        datasets.ImageFolder(tmp_path / "missing")


def test_find_classes_and_make_dataset_functions(tree):
    assert find_classes(tree) == (["cat", "dog"], {"cat": 0, "dog": 1})
    assert make_dataset(str(tree), {"dog": 7}, extensions=IMG_EXTENSIONS) == [(os.path.join(str(tree), "dog", "d.jpg"), 7)]
    assert len(make_dataset(str(tree), extensions=IMG_EXTENSIONS)) == 4
    with pytest.raises(ValueError, match="'class_to_index' must have at least one entry"):
        make_dataset(tree, {}, extensions=IMG_EXTENSIONS)
    with pytest.raises(ValueError, match="The class_to_idx parameter cannot be None."):
        datasets.DatasetFolder.make_dataset(tree, None, extensions=IMG_EXTENSIONS)
    assert has_file_allowed_extension("X.JPEG", IMG_EXTENSIONS) and not has_file_allowed_extension("x.gif", ".png")


def test_find_classes_can_be_overridden(tree):
    class DogsOnly(datasets.ImageFolder):
        def find_classes(self, directory):
            return ["dog"], {"dog": 0}

    ds = DogsOnly(tree)
    assert ds.classes == ["dog"] and ds.targets == [0] and ds.samples[0][0].endswith("d.jpg")


def test_repr_shows_the_root_and_transforms(tree):
    text = repr(datasets.ImageFolder(str(tree), transform=repr))
    assert text.splitlines()[:4] == ["Dataset ImageFolder", "    Number of datapoints: 4",
                                     f"    Root location: {tree}", "    StandardTransform"]
