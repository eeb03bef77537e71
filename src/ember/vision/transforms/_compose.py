"""Transforms made of transforms: Compose, Lambda, RandomApply, RandomChoice, RandomOrder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable, Optional

import ember
from ember import nn


def _listing(name: str, lines: Sequence[Any]) -> str:
    """torchvision's multi-line repr: the name, then each entry on its own indented line."""
    return name + "(" + "".join(f"\n    {line}" for line in lines) + "\n)"


class Compose:
    """Applies `transforms` one after another: `Compose([t1, t2])(img) == t2(t1(img))`."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = transforms

    def __call__(self, img: Any) -> Any:
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return _listing(type(self).__name__, self.transforms)


class Lambda:
    """Applies a user function: `Lambda(f)(img) == f(img)`."""

    def __init__(self, lambd: Callable) -> None:
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img: Any) -> Any:
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RandomApply(nn.Module):
    """Applies all of `transforms`, in order, with probability p (one draw of `ember.rand` per
    call), else returns the input unchanged."""

    def __init__(self, transforms: Sequence[Callable], p: float = 0.5) -> None:
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img: Any) -> Any:
        if self.p < ember.rand(1).item():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return _listing(type(self).__name__, [f"p={self.p}", *self.transforms])


class RandomTransforms:
    """Base of the transforms that pick among a sequence of transforms."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError()

    def __repr__(self) -> str:
        return _listing(type(self).__name__, self.transforms)


class RandomChoice(RandomTransforms):
    """Applies one of `transforms`, picked with probabilities proportional to the weights `p`
    (uniformly if None).

    torchvision draws with Python's `random.choices`; ember draws one `ember.rand` number, so
    `ember.manual_seed` alone makes the choice reproducible.
    """

    def __init__(self, transforms: Sequence[Callable], p: Optional[Sequence[float]] = None) -> None:
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args: Any) -> Any:
        weights = [1.0] * len(self.transforms) if self.p is None else list(self.p)
        if len(weights) != len(self.transforms):
            raise ValueError("The number of weights does not match the population")
        threshold = ember.rand(1).item() * sum(weights)
        cumulative = 0.0
        for t, w in zip(self.transforms, weights):
            cumulative += w
            if threshold < cumulative:
                return t(*args)
        return self.transforms[-1](*args)

    def __repr__(self) -> str:
        return f"{super().__repr__()}(p={self.p})"


class RandomOrder(RandomTransforms):
    """Applies all of `transforms` in an order drawn by `ember.randperm` (torchvision uses
    Python's `random.shuffle`)."""

    def __call__(self, img: Any) -> Any:
        for i in ember.randperm(len(self.transforms)).tolist():
            img = self.transforms[i](img)
        return img
