"""`Digits`: scikit-learn's bundled 8x8 handwritten digits, the offline stand-in for MNIST."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ... import _creation
from ...utils.data import Dataset

_TEST_SIZE = 360  # the last 360 of the 1,797 images (a fifth), as a held-out test split


class Digits(Dataset[Any]):
    """The 1,797 grey 8x8 digit images that ship with scikit-learn (no download), split into
    1,437 training and 360 test images. Each sample is `(image, target)`, the image a PIL image
    of mode "L" with scikit-learn's 0-16 levels scaled to 0-255 (as MNIST's images are), so the
    same transforms apply; `data` is the uint8 tensor (N, 8, 8), `targets` the int64 labels.
    `root` and `download` are accepted for torchvision's signature and unused."""

    classes = [str(d) for d in range(10)]

    def __init__(self, root: Optional[str] = None, train: bool = True,
                 transform: Optional[Callable[[Any], Any]] = None,
                 target_transform: Optional[Callable[[Any], Any]] = None, download: bool = False) -> None:
        try:
            from sklearn.datasets import load_digits
        except ImportError as e:
            raise ImportError("datasets.Digits needs scikit-learn: pip install 'ember[demo]'") from e
        bunch = load_digits()
        images = np.rint(bunch.images * (255 / 16)).astype(np.uint8)
        split = slice(None, -_TEST_SIZE) if train else slice(-_TEST_SIZE, None)
        self.root = root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        self.data = _creation.from_numpy(np.ascontiguousarray(images[split]))
        self.targets = _creation.from_numpy(bunch.target[split].astype(np.int64))

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        from PIL import Image

        image: Any = Image.fromarray(self.data.numpy()[index], mode="L")
        target: Any = int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target
