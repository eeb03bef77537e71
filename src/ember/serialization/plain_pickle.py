"""`load_plain_pickle`: read a plain pickle of data (dicts, lists, strings, numbers, NumPy arrays)
without running anything it names, as the CIFAR batches are.

The unpickler resolves only an allowlist of globals: the safe builtins and containers that
`ember.load`'s weights-only unpickler allows, and the functions NumPy pickles an array, a dtype or
a scalar with. Any other global (`os.system`, `builtins.eval`, ...) raises
`pickle.UnpicklingError` before it is called, so a hostile file runs nothing.
"""

from __future__ import annotations

import _compat_pickle
import itertools
import pickle
from typing import IO, Any

import numpy as np

from .load import _allowed

# Found from NumPy's own reductions, so the names hold for NumPy 1 (`numpy.core`) and 2 (`numpy._core`).
_NUMPY_FUNCTIONS = {
    "_reconstruct": np.zeros(0).__reduce__()[0],
    "_frombuffer": np.zeros(0).__reduce_ex__(5)[0],
    "scalar": np.float64(0).__reduce__()[0],
}
_NUMPY_GLOBALS: dict[tuple[str, str], Any] = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype}
_NUMPY_GLOBALS.update(
    ((f"numpy.{core}.{module}", name), function)
    for core, module, (name, function) in itertools.product(
        ("core", "_core"), ("multiarray", "numeric"), _NUMPY_FUNCTIONS.items()))


class _DataUnpickler(pickle.Unpickler):
    """An unpickler that names only data-building globals and has no persistent ids."""

    def find_class(self, module: str, name: str) -> Any:
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        found = _NUMPY_GLOBALS.get((module, name)) or _allowed(module, name)
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
    except (EOFError, ValueError, TypeError, IndexError, KeyError) as e:
        raise pickle.UnpicklingError(f"malformed pickle: {type(e).__name__}: {e}") from None
