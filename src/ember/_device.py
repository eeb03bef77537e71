"""`ember.device`: where a tensor lives. Only the CPU exists until a GPU backend lands."""

from __future__ import annotations

from typing import Optional, Union


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
            raise RuntimeError(
                f"ember has no {name!r} backend: only device('cpu') exists so far; "
                "run on the CPU (drop .to('cuda') / device='cuda')"
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
