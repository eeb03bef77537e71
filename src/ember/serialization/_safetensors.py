"""The safetensors format (a JSON header then raw bytes; no pickle, so nothing can run), through
the `safetensors` package's NumPy API, imported only when a safetensors file is met."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor


def is_safetensors(head: bytes) -> bool:
    """Whether a file starting with `head` (its first 9 bytes) looks like safetensors: an 8-byte
    little-endian header length, then the header's opening brace."""
    return len(head) == 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") > 1


def dumps(obj: Any) -> bytes:
    """A flat `{str: Tensor}` dict as safetensors bytes."""
    if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items()):
        raise TypeError("ember.save(..., format='safetensors') writes a flat dict of str -> Tensor")
    numpy_api, _ = _package()
    return numpy_api.save({k: np.ascontiguousarray(v._data) for k, v in obj.items()})


def loads(data: bytes) -> dict[str, Tensor]:
    """safetensors bytes as a dict of ember Tensors."""
    numpy_api, error = _package()
    try:
        arrays = numpy_api.load(data)
    except error as e:
        raise RuntimeError(f"corrupt safetensors file: {e}") from None
    return {k: Tensor._make(np.array(v), False, None) for k, v in arrays.items()}


def _package() -> tuple[Any, type]:
    """The `safetensors` package's NumPy API and its error type, or an ImportError that says how
    to install it: it is an optional dependency."""
    try:
        import safetensors
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            "safetensors files need the safetensors package: pip install safetensors (or ember[demo])"
        ) from None
    return safetensors.numpy, safetensors.SafetensorError
