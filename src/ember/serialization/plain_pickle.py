"""`load_plain_pickle`: read a plain pickle of data (dicts, lists, strings, numbers, NumPy arrays)
without running anything it names, as the CIFAR batches are.

The unpickler resolves only the allowlist of globals that `ember.load`'s weights-only unpickler
allows (safe builtins, containers, and what NumPy pickles a plain-dtype array, dtype or scalar
with), and sets the state (BUILD) only of the NumPy arrays and dtypes it made. Any other global
(`os.system`, `builtins.eval`, ...) raises `pickle.UnpicklingError` before it is called, so a
hostile file runs nothing.
"""

from __future__ import annotations

import _compat_pickle
import pickle
import struct
from typing import IO, Any

from . import _numpy_globals
from ._restricted import RestrictedUnpickler
from .load import _allowed


class _DataUnpickler(RestrictedUnpickler):
    """An unpickler that names only data-building globals, sets the state only of fresh NumPy
    arrays and dtypes, and has no persistent ids."""

    def build_allowed(self, obj: Any) -> bool:
        return _numpy_globals.buildable(obj)

    def check_built(self, obj: Any) -> None:
        _numpy_globals.check_built(obj)

    def find_class(self, module: str, name: str) -> Any:
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        found = _allowed(module, name)
        if found is None:
            raise pickle.UnpicklingError(
                f"unsupported global: GLOBAL {module}.{name}: this file should hold only data "
                "(containers, strings, numbers, NumPy arrays); it was not unpickled, and nothing ran")
        return found


def load_plain_pickle(file: IO[bytes], encoding: str = "ASCII") -> Any:
    """Unpickle `file` (a binary file object) allowing only data globals; `encoding` decodes
    Python 2 strings as in `pickle.load` (the CIFAR batches need "latin1").

    Raises `pickle.UnpicklingError` for any other global or a persistent id, and for a truncated
    or malformed stream."""
    try:
        return _DataUnpickler(file, encoding=encoding).load()
    except (EOFError, ValueError, TypeError, IndexError, KeyError, struct.error) as e:
        raise pickle.UnpicklingError(f"malformed pickle: {type(e).__name__}: {e}") from None
