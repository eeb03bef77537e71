"""`VisionDataset`, the base of every dataset here, and `StandardTransform`, as in torchvision."""

from __future__ import annotations

import os
from typing import Any, Callable, Optional, Union

from ...utils.data import Dataset

Transform = Callable[[Any], Any]


def _indented_repr(transform: Any, head: str) -> list[str]:
    """`transform`'s repr on lines after `head`, its later lines aligned under the first."""
    lines = repr(transform).splitlines()
    return [head + lines[0]] + [" " * len(head) + line for line in lines[1:]]


class StandardTransform:
    """Applies `transform` to the input and `target_transform` to the target (either may be None)."""

    def __init__(self, transform: Optional[Transform] = None, target_transform: Optional[Transform] = None) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input: Any, target: Any) -> tuple[Any, Any]:
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def _format_transform_repr(self, transform: Transform, head: str) -> list[str]:
        return _indented_repr(transform, head)

    def __repr__(self) -> str:
        body = [type(self).__name__]
        if self.transform is not None:
            body += _indented_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _indented_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset[Any]):
    """The base of torchvision-style datasets: subclasses define `__getitem__` and `__len__`.

    `root` (a str has `~` expanded) is where the files are, shown in the repr. Either
    `transforms` (called as `transforms(image, target)`) or `transform` and `target_transform`
    (one each) may be given, not both; the latter are combined into a `StandardTransform`.

    The repr reads as torchvision's (a transform's lines after its first are not indented)::

        Dataset MNIST
            Number of datapoints: 60000
            Root location: data
            Split: Train
            StandardTransform
        Transform: ToTensor()
    """

    _repr_indent = 4

    def __init__(self, root: Union[str, "os.PathLike[str]", None] = None, transforms: Optional[Callable[..., Any]] = None,
                 transform: Optional[Transform] = None, target_transform: Optional[Transform] = None) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        has_separate_transform = transform is not None or target_transform is not None
        if transforms is not None and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if getattr(self, "transforms", None) is not None:
            body.append(repr(self.transforms))  # only its first line is indented, as in torchvision
        return "\n".join([f"Dataset {type(self).__name__}"] + [" " * self._repr_indent + line for line in body])

    def _format_transform_repr(self, transform: Transform, head: str) -> list[str]:
        return _indented_repr(transform, head)

    def extra_repr(self) -> str:
        """Lines the repr adds after the root (e.g. "Split: Train"); empty by default."""
        return ""

    def _apply_transforms(self, sample: Any, target: Any) -> tuple[Any, Any]:
        """`(sample, target)` through the current `transform` and `target_transform`."""
        return StandardTransform(self.transform, self.target_transform)(sample, target)
