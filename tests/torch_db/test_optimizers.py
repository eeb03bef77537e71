"""The optimizer harness's problem is one on which comparing trajectories at the float64
tolerance is meaningful: torch's own trajectory does not depend on rounding (a start one ulp
away stays within a thousandth of the tolerance for STEPS steps), and every configuration moves
the parameters far beyond the tolerance, so a wrong update shows."""

from typing import Any

import pytest
import torch
from torch.testing._internal.common_optimizers import optim_db

from torch_db import scope
from torch_db.convert import tolerance
from torch_db.optimizers import START, STEPS, trajectory

RTOL, ATOL = tolerance("float64")
_CONFIGS = [(info, config) for info in optim_db if not scope.optimizer_out_of_scope(info.name)
            for config in info.optim_inputs_func(device="cpu", dtype=torch.float64)]
_IDS = [f"{info.name}:{config.desc}" for info, config in _CONFIGS]


def _one_ulp_up(t: torch.Tensor) -> torch.Tensor:
    return torch.nextafter(t, torch.full_like(t, float("inf")))


def _torch_run(info: Any, kwargs: dict, start: list) -> list:
    return trajectory(torch, info, info.optim_cls, kwargs, start)


def test_steps_are_enough_to_exercise_state() -> None:
    assert STEPS >= 5


@pytest.mark.parametrize(("info", "config"), _CONFIGS, ids=_IDS)
def test_torch_trajectory_is_insensitive_to_rounding(info: Any, config: Any) -> None:
    nudged = [_one_ulp_up(p) for p in START]
    assert all((n != p).all() for n, p in zip(nudged, START))
    expected, perturbed = _torch_run(info, config.kwargs, START), _torch_run(info, config.kwargs, nudged)
    for step, (want, got) in enumerate(zip(expected, perturbed)):
        for w, g in zip(want, got):
            allowed = 1e-3 * (RTOL * w.abs() + ATOL)
            worst = float(((g - w).abs() / allowed).max())
            assert worst <= 1, (f"after step {step + 1}, a start one ulp away moves torch's parameters "
                                f"by {worst:.3g} thousandths of the tolerance")


@pytest.mark.parametrize(("info", "config"), _CONFIGS, ids=_IDS)
def test_every_configuration_does_real_work(info: Any, config: Any) -> None:
    steps = _torch_run(info, config.kwargs, START)
    moved = max(float(((p - s).abs() / s.abs()).max()) for p, s in zip(steps[-1], START))
    assert moved > 1e5 * RTOL, f"the parameters moved only {moved:.3g} (relative) in {STEPS} steps"
    smallest = min(float(p.abs().min()) for step in steps for p in step)
    assert smallest > 0.25, f"a parameter came within {smallest:.3g} of zero, where rtol compares rounding noise"
