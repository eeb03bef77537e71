"""Where glibc's malloc would otherwise return a step's memory to the system and fault it back.

glibc serves an allocation of 128 KiB or more with its own mmap, and gives heap memory back
(trims) once 128 KiB is free at the top. Both limits rise only after the program frees a large
mmapped block (to that block's size, up to 32 MiB, and twice that for trimming). A training step
allocates and frees arrays of megabytes every time: until some large block happens to be freed,
each step can give its peak back to the system and take page faults to get it again (the LSTM of
W6 took 930 minor faults, about 1 ms, per step; a 24 MiB array freed first made them vanish).

`tune()` sets the limits glibc's own rule converges to for such programs: mmap from 32 MiB, trim
past 64 MiB. A process then keeps up to 64 MiB of freed memory for its next step instead of
returning it. Only glibc has `mallopt`; elsewhere (macOS, Windows, musl) nothing changes.
Set EMBER_MALLOC_TUNING=0 to leave glibc's defaults.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # what its dynamic rule sets beside it


def tune() -> bool:
    """Set glibc's mmap and trim thresholds (see the module docstring); whether they were set."""
    if not sys.platform.startswith("linux") or os.environ.get("EMBER_MALLOC_TUNING", "1") == "0":
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:  # not glibc
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
