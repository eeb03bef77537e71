"""`DatasetFolder` and `ImageFolder`: samples found on disk as `root/<class name>/.../<file>`,
with torchvision's `find_classes` and `make_dataset`."""

from __future__ import annotations

import os
from typing import Any, Callable, Optional, Union

from .._pil import pil_image
from .utils import PathLike
from .vision import VisionDataset

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")

Extensions = Union[str, tuple[str, ...]]


def has_file_allowed_extension(filename: str, extensions: Extensions) -> bool:
    """Whether `filename` ends, case-insensitively, with one of `extensions` (lowercase)."""
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename: str) -> bool:
    """Whether `filename` has one of the `IMG_EXTENSIONS`."""
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory: PathLike) -> tuple[list[str], dict[str, int]]:
    """The sub-folders of `directory`, sorted, and each one's index: `(classes, class_to_idx)`.

    Raises `FileNotFoundError` when `directory` has no sub-folder."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory: PathLike, class_to_idx: Optional[dict[str, int]] = None,
                 extensions: Optional[Extensions] = None, is_valid_file: Optional[Callable[[str], bool]] = None,
                 allow_empty: bool = False) -> list[tuple[str, int]]:
    """Every `(path, class_index)` under `directory/<class>/` (sub-folders and symlinks followed),
    classes in sorted order and paths sorted within each, keeping the files with one of
    `extensions` or, instead, those `is_valid_file(path)` accepts.

    `class_to_idx` defaults to `find_classes(directory)`. Raises `ValueError` when it is empty or
    when both or neither of `extensions` and `is_valid_file` are given, and `FileNotFoundError`
    naming the classes with no valid file unless `allow_empty`."""
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
    if extensions is not None:
        allowed = extensions

        def is_valid_file(path: str) -> bool:
            return has_file_allowed_extension(path, allowed)

    assert is_valid_file is not None
    instances: list[tuple[str, int]] = []
    empty_classes = set()
    for target_class in sorted(class_to_idx):
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            empty_classes.add(target_class)
            continue
        found = [(os.path.join(folder, name), class_to_idx[target_class])
                 for folder, _, names in sorted(os.walk(target_dir, followlinks=True))
                 for name in sorted(names) if is_valid_file(os.path.join(folder, name))]
        if not found:
            empty_classes.add(target_class)
        instances += found
    if empty_classes and not allow_empty:
        message = f"Found no valid file for the classes {', '.join(sorted(empty_classes))}. "
        if extensions is not None:
            message += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
        raise FileNotFoundError(message)
    return instances


class DatasetFolder(VisionDataset):
    """Samples arranged as `root/<class>/<file>` (any depth below the class folder)::

        root/dog/xxx.png
        root/dog/nested/xxy.png
        root/cat/123.png

    `classes` are the sorted sub-folder names, `class_to_idx` their indices, `samples` (and
    `targets`) the sorted `(path, class_index)` pairs, keeping the files with one of `extensions`
    or those `is_valid_file(path)` accepts (exactly one of the two). Sample `i` is
    `(loader(path), class_index)` through `transform` and `target_transform`. An empty class
    folder raises `FileNotFoundError` unless `allow_empty`. Override `find_classes` or
    `make_dataset` for another layout.
    """

    def __init__(self, root: PathLike, loader: Callable[[str], Any], extensions: Optional[Extensions] = None,
                 transform: Optional[Callable[[Any], Any]] = None,
                 target_transform: Optional[Callable[[Any], Any]] = None,
                 is_valid_file: Optional[Callable[[str], bool]] = None, allow_empty: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx=class_to_idx, extensions=extensions,
                                    is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [target for _, target in samples]

    @staticmethod
    def make_dataset(directory: PathLike, class_to_idx: dict[str, int], extensions: Optional[Extensions] = None,
                     is_valid_file: Optional[Callable[[str], bool]] = None,
                     allow_empty: bool = False) -> list[tuple[str, int]]:
        """The module's `make_dataset`, with `class_to_idx` required: a subclass's `find_classes`
        decides the classes, so they are never found again here."""
        if class_to_idx is None:
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(directory, class_to_idx, extensions=extensions, is_valid_file=is_valid_file,
                            allow_empty=allow_empty)

    def find_classes(self, directory: PathLike) -> tuple[list[str], dict[str, int]]:
        """`(classes, class_to_idx)` for `directory` (the module's `find_classes`)."""
        return find_classes(directory)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        path, target = self.samples[index]
        return self._apply_transforms(self.loader(path), target)

    def __len__(self) -> int:
        return len(self.samples)


def pil_loader(path: str) -> Any:
    """The image at `path` as an RGB PIL image (read whole, so the file is closed after)."""
    with open(path, "rb") as f:
        return pil_image().open(f).convert("RGB")


def default_loader(path: str) -> Any:
    """ImageFolder's loader: `pil_loader` (ember has no accimage backend)."""
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """Images arranged as `root/<class>/<image>` with one of `IMG_EXTENSIONS` (unless
    `is_valid_file` is given); each sample is `(RGB PIL image, class_index)` by default. As
    `DatasetFolder`, plus `imgs`, the same list as `samples`.

    Example::

        train = ImageFolder("data/train", transform=transforms.ToTensor())
        train.classes  # ['cat', 'dog']
    """

    def __init__(self, root: PathLike, transform: Optional[Callable[[Any], Any]] = None,
                 target_transform: Optional[Callable[[Any], Any]] = None,
                 loader: Callable[[str], Any] = default_loader, is_valid_file: Optional[Callable[[str], bool]] = None,
                 allow_empty: bool = False) -> None:
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None, transform=transform,
                         target_transform=target_transform, is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples
