"""What the model tests share: a fixture that skips the (slow, NumPy-drawn) initialisation."""

from __future__ import annotations

from typing import Any

import pytest

import ember
from ember import nn

INIT_FUNCTIONS = ("uniform_", "normal_", "constant_", "ones_", "zeros_", "kaiming_uniform_", "kaiming_normal_")


@pytest.fixture
def init_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, tuple, dict]]:
    """Replace nn.init's fillers by a recorder (name, id(tensor), args, kwargs): builds the
    130M-parameter VGGs in a fraction of a second, their values left unset."""
    calls: list[tuple[str, int, tuple, dict]] = []
    for name in INIT_FUNCTIONS:
        def record(tensor: ember.Tensor, *args: Any, _name: str = name, **kwargs: Any) -> ember.Tensor:
            calls.append((_name, id(tensor), args, kwargs))
            return tensor
        monkeypatch.setattr(nn.init, name, record)
    return calls
