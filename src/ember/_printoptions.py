"""ember.set_printoptions: torch's print settings for tensors (the values `_tensor_str` reads at
each print); `get_printoptions` and the `printoptions` context manager, as in torch._tensor_str.

    ember.set_printoptions(precision=2)      # tensor([1.23, 2.50])
    ember.set_printoptions(profile="default")
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator, Optional

from . import _tensor_str

_PROFILES = {
    "default": {"PRECISION": 4, "THRESHOLD": 1000, "EDGEITEMS": 3, "LINEWIDTH": 80},
    "short": {"PRECISION": 2, "THRESHOLD": 1000, "EDGEITEMS": 2, "LINEWIDTH": 80},
    "full": {"PRECISION": 4, "THRESHOLD": math.inf, "EDGEITEMS": 3, "LINEWIDTH": 80},
}


def set_printoptions(
    precision: Optional[int] = None,
    threshold: Optional[float] = None,
    edgeitems: Optional[int] = None,
    linewidth: Optional[int] = None,
    profile: Optional[str] = None,
    sci_mode: Optional[bool] = None,
) -> None:
    """Set how tensors print, as torch.set_printoptions: digits after the point (`precision`,
    4), the element count past which a print is summarized (`threshold`, 1000) to `edgeitems`
    (3) per end of each dimension, the line width (`linewidth`, 80), a `profile` ('default',
    'short' or 'full') applied first, and `sci_mode` (True or False forces scientific notation
    on or off; None, also when omitted, lets each tensor choose)."""
    for name, value in _PROFILES.get(profile, {}).items():  # an unknown profile is ignored, as torch ignores it
        setattr(_tensor_str, name, value)
    for name, value in (("PRECISION", precision), ("THRESHOLD", threshold), ("EDGEITEMS", edgeitems),
                        ("LINEWIDTH", linewidth)):
        if value is not None:
            setattr(_tensor_str, name, value)
    _tensor_str.SCI_MODE = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print settings, as keyword arguments for `set_printoptions`."""
    return {
        "precision": _tensor_str.PRECISION, "threshold": _tensor_str.THRESHOLD, "edgeitems": _tensor_str.EDGEITEMS,
        "linewidth": _tensor_str.LINEWIDTH, "sci_mode": _tensor_str.SCI_MODE,
    }


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """`set_printoptions(**kwargs)` inside a with block, the previous settings restored after it."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)
