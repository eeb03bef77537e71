"""Module.get_submodule and set_submodule by dotted path against torch's: the module found or
set, and torch's exception type and message for every way a path can be wrong."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest
import torch

import ember

from .test_module import net


def _outcome(lib: Any, call: Callable) -> Any:
    """What `call(model, m)` gives for a fresh `net` of lib: ('ok', names of modules) or the error."""
    m = lib.nn
    model = net(m)
    try:
        call(model, m)
    except Exception as error:
        return type(error).__name__, re.sub(r"torch|ember", "LIB", str(error))
    return "ok", [name for name, _ in model.named_modules()], [type(x).__name__ for x in model.modules()]


CALLS = {
    "get_root": lambda model, m: model.get_submodule(""),
    "get_nested": lambda model, m: model.get_submodule("heads.a.0"),
    "get_missing": lambda model, m: model.get_submodule("blocks.nope"),
    "get_buffer_is_no_module": lambda model, m: model.get_submodule("blocks.0.running"),
    "get_through_parameter": lambda model, m: model.get_submodule("blocks.0.scale.x"),
    "get_empty_atom": lambda model, m: model.get_submodule("blocks..fc"),
    "set_replace": lambda model, m: model.set_submodule("blocks.1.fc", m.Linear(3, 3, bias=False)),
    "set_replace_strict": lambda model, m: model.set_submodule("heads.a.1", m.Tanh(), strict=True),
    "set_new": lambda model, m: model.set_submodule("blocks.0.extra", m.ReLU()),
    "set_top_level": lambda model, m: model.set_submodule("head", m.ReLU()),
    "set_new_strict": lambda model, m: model.set_submodule("blocks.0.extra", m.ReLU(), strict=True),
    "set_missing_parent": lambda model, m: model.set_submodule("nope.fc", m.ReLU()),
    "set_over_buffer": lambda model, m: model.set_submodule("blocks.0.running", m.ReLU()),
    "set_over_parameter_strict": lambda model, m: model.set_submodule("blocks.0.scale", m.ReLU(), strict=True),
    "set_empty_target": lambda model, m: model.set_submodule("", m.ReLU()),
    "set_not_a_module": lambda model, m: model.set_submodule("blocks.0.fc", 3),
    "set_in_module_list": lambda model, m: model.set_submodule("blocks.0", m.Linear(3, 3)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_paths_match_torch(name: str) -> None:
    assert _outcome(ember, CALLS[name]) == _outcome(torch, CALLS[name])


def test_set_submodule_puts_the_module_itself_in_place() -> None:
    model = net(ember.nn)
    relu = ember.nn.ReLU()
    model.set_submodule("heads.a.1", relu, strict=True)
    assert model.get_submodule("heads.a.1") is relu and model.heads["a"][1] is relu
