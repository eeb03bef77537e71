"""`ember.device`: where a tensor lives. Only the CPU exists until a GPU backend lands.

As in torch, any of torch's device types constructs (`device("cuda:1")`, `device("mps")`), so a
script that names its device up front runs; putting a tensor or module on a device other than
the CPU (`.to`, `.cuda()`, `device=`, `set_default_device`) raises `NoCudaError` (`on_cpu`).
"""

from __future__ import annotations

import re
from typing import Optional, Union

# torch's device types, in the order its "Expected one of ..." error lists them.
_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
    "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::(0|[1-9][0-9]*))?")


class NoCudaError(RuntimeError, AssertionError):
    """Raised where a program asks for CUDA: a RuntimeError, and an AssertionError as torch's
    own "Torch not compiled with CUDA enabled" is, so `except` clauses written for either catch it."""


class device:
    """`ember.device("cuda:1")`, `ember.device("cuda", 1)`: a device type and an optional index,
    spelled, printed, compared and hashed like torch's. Constructing one never fails for torch's
    device types; only the CPU can hold tensors."""

    __slots__ = ("_type", "_index")

    def __init__(self, type: Union[str, "device", int], index: Optional[int] = None) -> None:
        if isinstance(type, device) and index is None:
            self._type, self._index = type._type, type._index
            return
        if isinstance(type, int) and not isinstance(type, bool) and index is None:  # an accelerator's index
            raise RuntimeError("Device index must not be negative" if type < 0 else
                               "Cannot access accelerator device when none is available. "
                               "ember runs on the CPU only: use device('cpu')")
        if not isinstance(type, str):
            raise TypeError(f"device(): argument 'type' (position 1) must be str, not {type.__class__.__name__}")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not {index.__class__.__name__}")
        self._type, parsed = _parse(type)
        if parsed is not None and index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self._index = parsed if index is None else index

    @property
    def type(self) -> str:
        """The device type: "cpu", "cuda", "mps", ..."""
        return self._type

    @property
    def index(self) -> Optional[int]:
        """The device's index, or None when the device names no particular one."""
        return self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return NotImplemented
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        idx = "" if self._index is None else f", index={self._index}"
        return f"device(type={self._type!r}{idx})"

    def __reduce__(self) -> tuple:
        return device, (self._type,) if self._index is None else (self._type, self._index)


def _parse(spec: str) -> tuple[str, Optional[int]]:
    """A device string's type and index, with torch's errors for malformed ones."""
    if not spec:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(spec)
    if match is None:
        raise RuntimeError(f"Invalid device string: {spec!r}")
    kind, index = match.groups()
    if kind not in _TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {kind}")
    return kind, None if index is None else int(index)


cpu = device("cpu")


def no_backend(kind: str) -> NoCudaError:
    """The error for putting a tensor on a device of type `kind`, which ember lacks."""
    return NoCudaError(
        f"ember has no {kind!r} backend: it runs on the CPU only; "
        f"use device('cpu') (drop {'.cuda() / ' if kind == 'cuda' else ''}.to({kind!r}) / device={kind!r})"
    )


def on_cpu(device_: Union[str, device, int]) -> device:
    """The device `device_` names, where ember puts a tensor; raises `NoCudaError` for any
    device but the CPU (what `.to`, `.cuda()`, `device=` and `set_default_device` check)."""
    dev = device_ if isinstance(device_, device) else device(device_)
    if dev._type != "cpu":
        raise no_backend(dev._type)
    return dev


def set_default_device(device_: Union[str, device, None]) -> None:
    """`ember.set_default_device("cpu")` (or None) is accepted; any other device raises."""
    if device_ is not None:
        on_cpu(device_)


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return cpu
