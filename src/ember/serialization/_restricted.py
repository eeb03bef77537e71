"""An unpickler whose BUILD opcode (set an unpickled object's state: `__setstate__`, or its
attributes) reaches only fresh objects of allowed types.

`find_class` decides which globals a pickle may name, but some allowed globals are objects the
whole process shares (a dtype, a storage kind, the `Size` class): BUILD on one of them would
change it for every later load, as torch's weights-only unpickler also forbids. pickle's C
unpickler cannot be told this, so this one is pickle's Python unpickler with BUILD checked
first (a checkpoint's pickle is small: its storages are read apart from it).
"""

from __future__ import annotations

import pickle
from typing import Any


class Refused(pickle.UnpicklingError):
    """A pickle asked for something a weights-only load never does (raised as it is, not as a
    sign of a corrupt file)."""


class RestrictedUnpickler(pickle._Unpickler):  # type: ignore[name-defined]
    """`pickle._Unpickler` that refuses BUILD unless `build_allowed(obj)` says yes."""

    dispatch = dict(pickle._Unpickler.dispatch)  # type: ignore[attr-defined]

    def build_allowed(self, obj: Any) -> bool:
        """Whether BUILD may set the state of `obj`, the object under the state on the stack."""
        raise NotImplementedError

    def check_built(self, obj: Any) -> None:
        """Raise if `obj`'s new state is not acceptable (by default anything is)."""

    def load_build(self) -> None:
        obj = self.stack[-2]  # below the state BUILD sets
        if isinstance(obj, type) or not self.build_allowed(obj):
            what = f"the class {obj.__qualname__}" if isinstance(obj, type) else f"a {type(obj).__qualname__}"
            raise Refused(
                f"unsupported BUILD: the pickle sets the state of {what}, which a checkpoint or a data "
                "file never needs; it was refused before anything changed")
        super().load_build()
        self.check_built(obj)

    dispatch[pickle.BUILD[0]] = load_build
