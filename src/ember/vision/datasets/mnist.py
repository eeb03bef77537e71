"""`MNIST`, `FashionMNIST` and `KMNIST`: 28x28 grey images in IDX files, as torchvision reads them
from `root/<ClassName>/raw/`."""

from __future__ import annotations

import gzip
import math
import os
import warnings
from typing import Any, Callable, Optional
from urllib.error import URLError

import numpy as np

from ... import _creation, _dtype
from ..._tensor import Tensor
from .._pil import pil_image
from .utils import PathLike, _ChecksumError, check_integrity, download_and_extract_archive
from .vision import VisionDataset

# The IDX type byte (third of the magic number) and the big-endian NumPy dtype it stands for.
SN3_PASCALVINCENT_TYPEMAP = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}


def _read_bytes(path: str) -> bytes:
    """The bytes of `path`, or of `path + ".gz"` decompressed where only that is there."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        try:
            with gzip.open(path + ".gz", "rb") as f:
                return f.read()
        except (EOFError, gzip.BadGzipFile) as e:
            raise RuntimeError(f"{path}.gz is a truncated or corrupt gzip file ({e})") from None
    with open(path, "rb") as f:
        return f.read()


def read_sn3_pascalvincent_tensor(path: str, strict: bool = True) -> Tensor:
    """Read an IDX file ("SN3 Pascal Vincent" format; `path` or else `path.gz`) as a tensor.

    The file is a magic number `00 00 <type> <ndim>`, `ndim` big-endian uint32 sizes, then the
    big-endian values. Raises `ValueError` for a bad magic number and for data shorter than the
    sizes say (or, with `strict`, longer)."""
    data = _read_bytes(path)
    if len(data) < 4 or data[0:2] != b"\0\0" or data[2] not in SN3_PASCALVINCENT_TYPEMAP or not 1 <= data[3] <= 3:
        raise ValueError(f"{path} is not an IDX file: its magic number is {data[:4].hex() or 'missing'}, "
                         f"expected 0000TTDD (TT a type in {sorted(SN3_PASCALVINCENT_TYPEMAP)}, DD 1 to 3 dims)")
    dtype, ndim = np.dtype(SN3_PASCALVINCENT_TYPEMAP[data[2]]), data[3]
    header = 4 * (ndim + 1)
    if len(data) < header:
        raise ValueError(f"{path} is truncated: its header of {header} bytes has only {len(data)}")
    shape = tuple(int(n) for n in np.frombuffer(data, ">u4", ndim, offset=4))
    expected, found = math.prod(shape) * dtype.itemsize, len(data) - header
    if found < expected or (strict and found != expected):
        raise ValueError(f"{path} is {'truncated' if found < expected else 'too long'}: shape {shape} needs "
                         f"{expected} bytes of {dtype.name} data, the file has {found}")
    values = np.frombuffer(data, dtype, math.prod(shape), offset=header)
    return _creation.from_numpy(values.astype(dtype.newbyteorder("="), copy=True).reshape(shape))


def _read_checked(path: str, ndim: int) -> Tensor:
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != _dtype.uint8:
        raise TypeError(f"{path} should hold uint8 data, not {x.dtype}")
    if x.dim() != ndim:
        raise ValueError(f"{path} should have {ndim} dimension{'s' if ndim > 1 else ''} instead of {x.dim()}")
    return x


def read_label_file(path: str) -> Tensor:
    """An IDX label file (uint8, 1 dim) as int64 labels."""
    return _read_checked(path, 1).long()


def read_image_file(path: str) -> Tensor:
    """An IDX image file (uint8, 3 dims: N, H, W) as a uint8 tensor."""
    return _read_checked(path, 3)


def _renamed(old: str, new: str) -> property:
    """A property that reads attribute `new` under its old name `old`, with torchvision's warning."""
    def get(self: Any) -> Any:
        warnings.warn(f"{old} has been renamed {new}")
        return getattr(self, new)
    return property(get, doc=f"Deprecated: `{new}`.")


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: 60,000 training and 10,000 test images of
    handwritten digits, 28x28 grey.

    Reads `root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte` (or their `.gz`); with
    `download=True`, fetches what is missing from `mirrors`, each file checked against its MD5.
    A sample is `(image, target)`: a PIL image of mode "L" and the int class index, through
    `transform` and `target_transform`. `data` is the uint8 tensor (N, 28, 28), `targets` the
    int64 labels.

    Example::

        train = MNIST("data", train=True, download=True, transform=transforms.ToTensor())
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    train_data = _renamed("train_data", "data")
    test_data = _renamed("test_data", "data")
    train_labels = _renamed("train_labels", "targets")
    test_labels = _renamed("test_labels", "targets")

    def __init__(self, root: PathLike, train: bool = True, transform: Optional[Callable[[Any], Any]] = None,
                 target_transform: Optional[Callable[[Any], Any]] = None, download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if self._check_legacy_exist():
            self.data, self.targets = self._load_legacy_data()
            return
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    def _check_legacy_exist(self) -> bool:
        """Whether old torchvision's `processed/training.pt` and `test.pt` are there."""
        return all(check_integrity(os.path.join(self.processed_folder, f)) for f in (self.training_file, self.test_file))

    def _load_legacy_data(self) -> tuple[Tensor, Tensor]:
        from ...serialization import load

        data_file = self.training_file if self.train else self.test_file
        data, targets = load(os.path.join(self.processed_folder, data_file), weights_only=True)
        return data, targets

    def _raw_path(self, filename: str) -> str:
        """Where `resources`' `filename` (a `.gz`) is found extracted."""
        return os.path.join(self.raw_folder, os.path.splitext(os.path.basename(filename))[0])

    def _check_exists(self) -> bool:
        return all(check_integrity(path) or check_integrity(path + ".gz")
                   for path in (self._raw_path(filename) for filename, _ in self.resources))

    def _load_data(self) -> tuple[Tensor, Tensor]:
        split = "train" if self.train else "t10k"
        data = read_image_file(os.path.join(self.raw_folder, f"{split}-images-idx3-ubyte"))
        targets = read_label_file(os.path.join(self.raw_folder, f"{split}-labels-idx1-ubyte"))
        if len(data) != len(targets):
            raise RuntimeError(f"{self.raw_folder} holds {len(data)} {split} images but {len(targets)} labels")
        return data, targets

    def download(self) -> None:
        """Download the files that are not there yet, each from the first mirror that serves it
        whole with the right MD5, and extract them into `raw_folder`."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            last_error: Optional[Exception] = None
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    print(f"Downloading {url}")
                    download_and_extract_archive(url, download_root=self.raw_folder, filename=filename, md5=md5)
                except (URLError, _ChecksumError) as error:
                    print(f"Failed to download (trying next):\n{error}")
                    last_error = error
                    continue
                finally:
                    print()
                break
            else:
                raise RuntimeError(f"Error downloading {filename}") from last_error

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        # indexing the NumPy views costs a fifth of indexing the tensors, per sample
        image = pil_image().fromarray(self.data.numpy()[index], mode="L")
        return self._apply_transforms(image, int(self.targets.numpy()[index]))

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: Zalando's 28x28 grey
    images of 10 kinds of clothing, read from `root/FashionMNIST/raw/` as `MNIST` reads its files."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: 28x28 grey images of 10 cursive
    Japanese characters, read from `root/KMNIST/raw/` as `MNIST` reads its files."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
