"""`ember.device`: where a tensor lives. Only the CPU exists until a GPU backend lands."""

from __future__ import annotations

from typing import Optional, Union


class NoCudaError(RuntimeError, AssertionError):
    """Raised where a program asks for CUDA: a RuntimeError, and an AssertionError as torch's
    own "Torch not compiled with CUDA enabled" is, so `except` clauses written for either catch it."""


class device:
    """`ember.device("cpu")`, spelled and printed like torch's."""

    __slots__ = ("type", "index")

    def __init__(self, type: Union[str, "device"], index: Optional[int] = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, idx = str(type).partition(":")
        if idx:
            index = int(idx)
        if name != "cpu":
            raise (NoCudaError if name == "cuda" else RuntimeError)(
                f"ember has no {name!r} backend: it runs on the CPU only; "
                "use device('cpu') (drop .cuda() / .to('cuda') / device='cuda')"
            )
        self.type = name
        self.index = index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{idx})"


cpu = device("cpu")


def set_default_device(device_: Union[str, device, None]) -> None:
    """`ember.set_default_device("cpu")` (or None) is accepted; any other device raises."""
    if device_ is not None:
        device(device_)


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return cpu
