"""The default generator's seed: fresh in each process (as torch's), fixed by manual_seed."""

import os
import subprocess
import sys
from pathlib import Path

import torch

import ember

SRC = str(Path(__file__).resolve().parents[2] / "src")


def draws(prelude: str) -> str:
    """What a fresh interpreter prints for `ember.rand(3)` (and a scalar-engine draw) after prelude."""
    code = f"import ember\n{prelude}\nprint(ember.rand(3).tolist(), ember.default_generator.python.random())"
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_unseeded_processes_draw_differently() -> None:
    assert draws("") != draws("")


def test_seeded_processes_draw_the_same() -> None:
    assert draws("ember.manual_seed(1234)") == draws("ember.manual_seed(1234)")


def test_initial_seed_reports_the_current_seed() -> None:
    ember.manual_seed(42)
    torch.manual_seed(42)
    assert ember.initial_seed() == torch.initial_seed() == 42
    first = ember.rand(2).tolist()
    new = ember.seed()
    assert isinstance(new, int) and ember.initial_seed() == new
    ember.manual_seed(42)
    assert ember.rand(2).tolist() == first


def test_seed_reseeds_randomly() -> None:
    assert ember.seed() != ember.seed()


def test_a_new_generator_starts_from_torchs_fixed_seed() -> None:
    assert ember.Generator().initial_seed() == torch.Generator().initial_seed()
