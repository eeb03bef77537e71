"""Globals a user marks as safe for `weights_only=True` loads, as `torch.serialization`'s
`add_safe_globals` / `safe_globals` / `get_safe_globals` / `clear_safe_globals`.

A checkpoint names a global by its full path `module.qualname`; an entry is either the object
(its own `__module__`.`__qualname__` is the path) or an `(object, "full.path")` pair for an object
pickled under another path. Allowing a class lets a checkpoint construct it and set its state;
allowing a function lets it be called, with arguments the file chooses: allow only what you
trust, as with torch.

>>> import numpy as np
>>> with ember.serialization.safe_globals([np._core.multiarray._reconstruct, np.ndarray, np.dtype,
...                                        np.dtypes.Float64DType]):
...     waves = ember.load("traindata.pt")  # doctest: +SKIP
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Callable, Optional, Union

SafeGlobal = Union[Callable[..., Any], tuple[Callable[..., Any], str]]

_marked: set[SafeGlobal] = set()


def _path(entry: SafeGlobal) -> tuple[str, Any]:
    """The full path an entry allows, and the object it resolves to."""
    if isinstance(entry, tuple):
        if len(entry) != 2:
            raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple of length: {len(entry)}")
        if type(entry[1]) is not str:
            raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: {type(entry[1])}")
        return entry[1], entry[0]
    return f"{entry.__module__}.{entry.__qualname__}", entry


def add_safe_globals(safe_globals: list[SafeGlobal]) -> None:
    """Mark the given functions and classes (or `(object, "full.path")` pairs) as safe for
    `ember.load(..., weights_only=True)`."""
    for entry in safe_globals:
        _path(entry)
    _marked.update(safe_globals)


def get_safe_globals() -> list[SafeGlobal]:
    """The globals `add_safe_globals` marked, in no particular order."""
    return list(_marked)


def clear_safe_globals() -> None:
    """Forget every global `add_safe_globals` marked."""
    _marked.clear()


class safe_globals:
    """A context manager that marks `safe_globals` as safe inside its block, then unmarks them."""

    def __init__(self, safe_globals: list[SafeGlobal]) -> None:
        self.safe_globals = safe_globals

    def __enter__(self) -> None:
        add_safe_globals(self.safe_globals)

    def __exit__(self, exc_type: Optional[type], exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        _marked.difference_update(self.safe_globals)


def lookup(module: str, name: str) -> Optional[Any]:
    """The marked object whose full path is `module.name`, or None."""
    wanted = f"{module}.{name}"
    for entry in _marked:
        path, obj = _path(entry)
        if path == wanted:
            return obj
    return None


def allows_instance(obj: Any) -> bool:
    """Whether `obj` is an instance of a marked class (whose state a checkpoint may then set)."""
    return any(type(obj) is cls for _, cls in map(_path, _marked))
