"""`Digits`: scikit-learn's bundled 8x8 handwritten digits, the offline stand-in for MNIST."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ... import _creation
from .._pil import pil_image
from .vision import VisionDataset

_TEST_SIZE = 360  # the last 360 of the 1,797 images (a fifth), as a held-out test split


class Digits(VisionDataset):
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
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self.data = _creation.from_numpy(np.ascontiguousarray(images[split]))
        self.targets = _creation.from_numpy(bunch.target[split].astype(np.int64))

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image = pil_image().fromarray(self.data.numpy()[index], mode="L")
        return self._apply_transforms(image, int(self.targets[index]))

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"
