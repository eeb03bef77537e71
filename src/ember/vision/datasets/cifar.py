"""`CIFAR10` and `CIFAR100`: 32x32 colour images in the pickled batches of the "python version",
as torchvision reads them from `root/cifar-10-batches-py/` and `root/cifar-100-python/`.

The batches are pickles. They are read with `ember.serialization.plain_pickle`, which allows
only containers, strings, numbers and NumPy arrays: a hostile pickle raises and runs nothing.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional

import numpy as np

from ...serialization.plain_pickle import load_plain_pickle
from .._pil import pil_image
from .utils import PathLike, check_integrity, download_and_extract_archive
from .vision import VisionDataset


def _load_batch(path: str) -> dict[str, Any]:
    """One pickled CIFAR dict, its keys as str (Python 2 wrote them as byte strings)."""
    with open(path, "rb") as f:
        entry = load_plain_pickle(f, encoding="latin1")
    if not isinstance(entry, dict):
        raise RuntimeError(f"{path} is not a CIFAR file: it holds a {type(entry).__name__}, not a dict")
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in entry.items()}


def _field(entry: dict[str, Any], path: str, *names: str) -> Any:
    """The value of the first of `names` that `entry` (read from `path`) has."""
    for name in names:
        if name in entry:
            return entry[name]
    raise RuntimeError(f"{path} is not a CIFAR file: it has no {' or '.join(map(repr, names))} entry")


class CIFAR10(VisionDataset):
    """`CIFAR10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 50,000 training and 10,000 test
    32x32 colour images in 10 classes.

    Reads `root/cifar-10-batches-py/` (`data_batch_1` to `_5`, `test_batch`, `batches.meta`),
    each file checked against its MD5; with `download=True`, fetches and extracts the archive
    first when they are not there. A sample is `(image, target)`: an RGB PIL image and the int
    class index, through `transform` and `target_transform`. `data` is the uint8 NumPy array
    (N, 32, 32, 3), `targets` a list of ints, `classes` the names from the meta file.

    Example::

        test = CIFAR10("data", train=False, download=True, transform=transforms.ToTensor())
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root: PathLike, train: bool = True, transform: Optional[Callable[[Any], Any]] = None,
                 target_transform: Optional[Callable[[Any], Any]] = None, download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        images, self.targets = [], []
        for file_name, _ in self.train_list if self.train else self.test_list:
            path = os.path.join(self.root, self.base_folder, file_name)
            entry = _load_batch(path)
            images.append(np.asarray(_field(entry, path, "data"), dtype=np.uint8))
            self.targets.extend(int(t) for t in _field(entry, path, "labels", "fine_labels"))
        self.data = np.vstack(images).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))  # HWC
        if len(self.data) != len(self.targets):
            raise RuntimeError(f"{self.base_folder} holds {len(self.data)} images but {len(self.targets)} labels")
        self._load_meta()

    def _load_meta(self) -> None:
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not check_integrity(path, self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to download it")
        self.classes = list(_field(_load_batch(path), path, self.meta["key"]))
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        return self._apply_transforms(pil_image().fromarray(self.data[index]), self.targets[index])

    def __len__(self) -> int:
        return len(self.data)

    def _check_integrity(self) -> bool:
        folder = os.path.join(self.root, self.base_folder)
        return all(check_integrity(os.path.join(folder, name), md5) for name, md5 in self.train_list + self.test_list)

    def download(self) -> None:
        """Download and extract the archive, unless every batch is already there and verified."""
        if self._check_integrity():
            print("Files already downloaded and verified")
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """`CIFAR100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: as `CIFAR10` with 100 classes
    (the "fine" labels), read from `root/cifar-100-python/` (`train`, `test`, `meta`)."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
