"""`hash_tensor`: torch's content hash of a tensor, reduced over dims.

Mode 0, the only one torch has, XORs 64-bit words: a float element contributes the bits of its
value as a float64 (a float32 or float16 is widened first), an integer or bool element its value
cast to uint64 (a negative one wraps: -1 is 2**64 - 1). The result is uint64 and carries no
gradient. `hash_tensor(tensor([1.5, -2.0]))` is the XOR of 0x3FF8000000000000 and
0xC000000000000000.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from ._util import normalize_dims


def _words(a: np.ndarray) -> np.ndarray:
    """Each element as the 64-bit word the hash XORs."""
    if a.dtype.kind == "f":
        return a.astype(np.float64).view(np.uint64)
    return a.astype(np.uint64)


def hash_tensor(
    input: Any, dim: Optional[Union[int, Sequence[int]]] = (), *, keepdim: bool = False, mode: int = 0
) -> Any:
    """The XOR of input's elements as 64-bit words over `dim` (every dim for None or ())."""
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    every = dim is None or (not isinstance(dim, int) and len(dim) == 0)
    axes = tuple(range(input.ndim)) if every else normalize_dims(dim, input.ndim)
    data = input._data
    if every and data.size == 0:
        raise RuntimeError(
            "hash_tensor: Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
            "dim with the 'dim' argument."
        )
    for d in axes if input.ndim else ():
        if data.shape[d] == 0:
            raise IndexError(f"hash_tensor: Expected reduction dim {d} to have non-zero size.")
    out = np.bitwise_xor.reduce(_words(data), axis=axes if input.ndim else None, keepdims=keepdim)
    return input._make(np.asarray(out, np.uint64), False, None)  # ember.uint64

