"""`map_location`: where `ember.load` puts each storage, given the device the checkpoint names.

torch tags every storage with the device it was saved from ("cpu", "cuda:0", ...) and restores
it there unless `map_location` says otherwise. ember runs on the CPU only, so a storage may end
on "cpu" and nowhere else: "cuda" raises `NoCudaError` with torch's advice to pass
`map_location=ember.device('cpu')`, any other device a RuntimeError.

A callable `map_location(storage, location)` gets, for ember, the storage as a 1-D `ember.Tensor`
of its elements (ember has no Storage type; the tensor has the `cpu()`, `cuda()`, `device`,
`dtype`, `size()` a storage offers) and the location string. It returns that tensor (or one
with the same dtype and number of elements), or None to restore the storage where its tag says,
as in torch. `lambda storage, loc: storage` keeps every storage on the CPU.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._device import NoCudaError, device
from .._tensor import Tensor

Restore = Callable[[np.ndarray, str], np.ndarray]


def default_restore(storage: np.ndarray, location: str) -> np.ndarray:
    """`storage` on the device `location` names: the CPU, or an error that says what to pass."""
    name = location.partition(":")[0]
    if name == "cpu":
        return storage
    if name == "cuda":
        raise NoCudaError(
            "Attempting to deserialize object on a CUDA device but ember.cuda.is_available() is False. "
            "If you are running on a CPU-only machine, please use ember.load with "
            "map_location=ember.device('cpu') to map your storages to the CPU.")
    raise RuntimeError(f"don't know how to restore data location of a storage (tagged with {location}): "
                       "ember runs on the CPU only; pass map_location='cpu' to ember.load")


def restorer(map_location: Any) -> Restore:
    """The function that places each loaded storage, as torch's `map_location` argument says:
    None (where the checkpoint says), a device or its name (there, whatever the checkpoint says),
    a dict from saved location to location, or a callable (see the module docstring)."""
    if map_location is None:
        return default_restore
    if isinstance(map_location, dict):
        mapping = {_text(k): _text(v) for k, v in map_location.items()}
        return lambda storage, location: default_restore(storage, mapping.get(location, location))
    if isinstance(map_location, (str, bytes, device)) or _is_device_like(map_location):
        target = _text(map_location)
        return lambda storage, location: default_restore(storage, target)
    if callable(map_location):
        return lambda storage, location: _call(map_location, storage, location)
    raise TypeError("map_location must be None, a device ('cpu', ember.device('cpu'), torch.device('cpu')), "
                    f"a dict of location -> location, or a callable (storage, location); got {type(map_location).__name__}")


def _is_device_like(obj: Any) -> bool:
    """Whether `obj` is a device from another library (torch.device): it has a type and an index."""
    return hasattr(obj, "type") and hasattr(obj, "index") and not callable(obj)


def _text(location: Any) -> str:
    return location.decode("ascii") if isinstance(location, bytes) else str(location)


def _call(map_location: Callable[[Tensor, str], Any], storage: np.ndarray, location: str) -> np.ndarray:
    """Run a user's `map_location(storage, location)`; its result must be the storage's elements."""
    result = map_location(Tensor._make(storage, False, None), location)
    if result is None:
        return default_restore(storage, location)
    data = result._data if isinstance(result, Tensor) else result
    if not isinstance(data, np.ndarray) or data.dtype != storage.dtype or data.shape != storage.shape:
        raise RuntimeError(
            f"map_location returned {_describe(result)} for a storage of {storage.size} {storage.dtype} "
            "elements: it must return the storage it was given (a 1-D ember.Tensor), moved to a device, "
            "or None; ember keeps storages on the CPU, so `lambda storage, loc: storage` does")
    return data


def _describe(obj: Any) -> str:
    if isinstance(obj, Tensor):
        return f"a Tensor of shape {tuple(obj.shape)} and dtype {obj.dtype}"
    return f"a {type(obj).__name__}"
