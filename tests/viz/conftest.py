"""Shared fixtures of the viz tests: a known expression and Graphviz's availability."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from ember import Value


@pytest.fixture
def lecture() -> Value:
    """L = (a*b + c) * f with every value named (micrograd's lecture example), after backward:
    7 values, 3 ops, 9 edges; grads a 6, b -4, c -2, d -2, e -2, f 4, L 1."""
    a, b = Value(2.0, name="a"), Value(-3.0, name="b")
    c, f = Value(10.0, name="c"), Value(-2.0, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    L = d * f
    L.name = "L"
    L.backward()
    return L


@pytest.fixture
def graphviz_installed() -> None:
    """Skip unless both the graphviz package and the `dot` program are here (CI has both)."""
    if importlib.util.find_spec("graphviz") is None or shutil.which("dot") is None:
        pytest.skip("needs Graphviz: pip install graphviz and the dot program")
