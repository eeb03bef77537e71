"""Run a module written against ember with torch in ember's place: its torch twin.

A module that imports only `ember`, `ember.nn` and `ember.nn.functional` (as gpt_model.py does)
is, token for token, torch code; executing its source while those names resolve to torch's
modules gives the torch version, which tests and benchmarks compare ember against.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def torch_twin(module: ModuleType) -> ModuleType:
    """A fresh copy of `module` whose `ember`, `ember.nn` and `ember.nn.functional` are torch's."""
    import torch  # the test and bench extras' dependency, not ember's

    swap = {"ember": torch, "ember.nn": torch.nn, "ember.nn.functional": torch.nn.functional}
    spec = importlib.util.spec_from_file_location(f"{module.__name__}_torch_twin", module.__file__)
    twin = importlib.util.module_from_spec(spec)
    saved = {name: sys.modules.get(name) for name in [*swap, spec.name]}
    sys.modules.update(swap)
    sys.modules[spec.name] = twin  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(twin)
    finally:
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
    return twin
