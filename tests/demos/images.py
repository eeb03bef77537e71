"""Small image data sets the demo tests write: scikit-learn's 8x8 digits enlarged to 28x28 as
MNIST's files, or saved as an ImageFolder of PNGs, one folder per digit."""

import gzip
from pathlib import Path

import numpy as np
from PIL import Image

from ember.vision import datasets

from vision.datafiles import idx_bytes  # tests/ is on sys.path, as pytest puts it there


def mnist_like(digits: np.ndarray) -> np.ndarray:
    """8x8 uint8 digits as MNIST draws them: scaled to 20x20 and centred on a 28x28 field."""
    field = np.zeros((len(digits), 28, 28), dtype=np.uint8)
    for k, digit in enumerate(digits):
        field[k, 4:24, 4:24] = np.asarray(Image.fromarray(digit).resize((20, 20), Image.BILINEAR))
    return field


def write_mnist(root: Path, train_count: int, test_count: int) -> Path:
    """The four MNIST files (gzipped IDX) in root/MNIST/raw, made of the first digits of the
    Digits splits; returns the raw folder."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for split, train, count in (("train", True, train_count), ("t10k", False, test_count)):
        digits = datasets.Digits(train=train)
        images = mnist_like(digits.data.numpy()[:count])
        labels = digits.targets.numpy()[:count].astype(np.uint8)
        (raw / f"{split}-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
        (raw / f"{split}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    return raw


def write_image_folder(root: Path, classes: int, per_class: int, size: int = 24) -> Path:
    """An ImageFolder root/<digit>/<k>.png of RGB digits enlarged to size x size, standing in
    for a folder of faces (one folder per person)."""
    digits = datasets.Digits(train=True)
    images, labels = digits.data.numpy(), digits.targets.numpy()
    for c in range(classes):
        folder = root / f"person_{c}"
        folder.mkdir(parents=True)
        for k, index in enumerate(np.flatnonzero(labels == c)[:per_class]):
            Image.fromarray(images[index]).resize((size, size)).convert("RGB").save(folder / f"{k}.png")
    return root
