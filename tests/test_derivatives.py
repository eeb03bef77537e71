"""docs/derivatives.md is current: regenerated from the Functions' docstrings, it matches the
committed file (run `python scripts/derivatives.py` after adding, moving or documenting an op)."""

from __future__ import annotations

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _script():
    spec = importlib.util.spec_from_file_location("derivatives", os.path.join(ROOT, "scripts", "derivatives.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_derivatives_md_is_current() -> None:
    script = _script()
    with open(script.OUTPUT) as f:
        committed = f.read()
    assert committed == script.render(), "docs/derivatives.md is out of date: run python scripts/derivatives.py"


def test_every_function_has_a_row() -> None:
    script = _script()
    text = script.render()
    for cls in script.functions():
        assert f"| `{cls.__name__}` | `{cls._backward_cls.__name__}` |" in text
