"""`FakeData`: random images, the same for the same index, for tests and benchmarks."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ... import _creation, _random
from .._pil import pil_image
from .vision import VisionDataset

_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


class FakeData(VisionDataset):
    """`size` random images of `image_size` (C, H, W) with random labels in [0, num_classes).

    Sample `i` is drawn from a generator seeded with `i + random_offset` (the global generator is
    untouched), so it is the same every time: a standard-normal CHW image converted to a PIL
    image as `ToPILImage` converts a float tensor (`x * 255`, truncated to uint8) and an int
    label, through `transform` and `target_transform`. C is 1, 2, 3 or 4 (modes L, LA, RGB, RGBA).

    Example::

        ds = FakeData(size=100, image_size=(3, 32, 32), num_classes=10, transform=transforms.ToTensor())
    """

    def __init__(self, size: int = 1000, image_size: tuple[int, int, int] = (3, 224, 224), num_classes: int = 10,
                 transform: Optional[Callable[[Any], Any]] = None,
                 target_transform: Optional[Callable[[Any], Any]] = None, random_offset: int = 0) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        if len(image_size) != 3 or image_size[0] not in _MODES:
            raise ValueError(f"image_size should be (C, H, W) with C in 1 to 4, got {tuple(image_size)}")
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        generator = _random.Generator().manual_seed(index + self.random_offset)
        pixels = _creation.randn(*self.image_size, generator=generator).numpy()
        target = int(_creation.randint(0, self.num_classes, (1,), generator=generator)[0])
        # float -> uint8 as torch's .byte() does on CPU: truncate toward zero, wrap modulo 256
        hwc = np.trunc(pixels * 255).astype(np.int64).astype(np.uint8).transpose(1, 2, 0)
        image = pil_image().fromarray(hwc[..., 0] if hwc.shape[2] == 1 else hwc, mode=_MODES[hwc.shape[2]])
        return self._apply_transforms(image, target)

    def __len__(self) -> int:
        return self.size
