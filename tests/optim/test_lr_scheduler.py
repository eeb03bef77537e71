"""Learning-rate schedulers: the sequences of learning rates (and momenta) equal torch's,
exactly, for 40 steps, on an optimizer with two param groups."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import pytest
import torch

import ember

STEPS = 40


def _optimizer(lib: Any, name: str = "SGD", **kwargs: Any) -> Any:
    groups = [{"params": [lib.zeros(2, requires_grad=True)]}, {"params": [lib.zeros(3, requires_grad=True)], "lr": 0.5}]
    return getattr(lib.optim, name)(groups, lr=0.1, **kwargs)


def _sequence(lib: Any, make: Callable[[Any, Any], Any], opt_name: str = "SGD", steps: int = STEPS,
              opt_kwargs: dict = {}) -> list:
    opt = _optimizer(lib, opt_name, **opt_kwargs)
    scheds = make(lib.optim.lr_scheduler, opt)
    scheds = scheds if isinstance(scheds, list) else [scheds]
    seen = []
    for _ in range(steps):
        seen.append(([g["lr"] for g in opt.param_groups], [s.get_last_lr() for s in scheds],
                     [(g.get("momentum"), g.get("betas")) for g in opt.param_groups]))
        opt.step()
        for s in scheds:
            s.step()
    return seen


SCHEDULERS = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=7),
    "StepLR-gamma": lambda s, o: s.StepLR(o, step_size=3, gamma=0.7),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.5),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=10),
    "CosineAnnealingLR-eta_min": lambda s, o: s.CosineAnnealingLR(o, T_max=13, eta_min=0.01),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda epoch: 0.95**epoch),
    "LambdaLR-per-group": lambda s, o: s.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: e // 5 + 1]),
    "LinearLR": lambda s, o: s.LinearLR(o),
    "LinearLR-down": lambda s, o: s.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=25),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=STEPS),
    "OneCycleLR-per-group": lambda s, o: s.OneCycleLR(o, max_lr=[0.3, 2.0], epochs=4, steps_per_epoch=10,
                                                      pct_start=0.25, base_momentum=0.8, max_momentum=[0.9, 0.99]),
    "OneCycleLR-linear-3phase": lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=STEPS + 1, anneal_strategy="linear",
                                                          three_phase=True, div_factor=10.0, final_div_factor=100.0),
    "OneCycleLR-no-momentum": lambda s, o: s.OneCycleLR(o, max_lr=0.4, total_steps=STEPS, cycle_momentum=False),
    "chained-StepLR-ExponentialLR": lambda s, o: [s.StepLR(o, step_size=5, gamma=0.5), s.ExponentialLR(o, gamma=0.9)],
    "chained-Linear-Cosine": lambda s, o: [s.LinearLR(o, start_factor=0.2, total_iters=8), s.CosineAnnealingLR(o, T_max=9)],
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_sequence_equals_torch(name: str) -> None:
    make = SCHEDULERS[name]
    opt_kwargs = {"momentum": 0.9} if name.startswith("OneCycle") else {}
    e = _sequence(ember, make, opt_kwargs=opt_kwargs)
    t = _sequence(torch, make, opt_kwargs=opt_kwargs)
    assert e == t
    assert len({tuple(lrs) for lrs, _, _ in e}) > 3


def test_one_cycle_cycles_adams_beta1() -> None:
    make = SCHEDULERS["OneCycleLR"]
    e, t = _sequence(ember, make, "Adam"), _sequence(torch, make, "Adam")
    assert e == t
    assert e[10][2][0][1][0] != e[0][2][0][1][0]


def _plateau(lib: Any, metrics: list, **kwargs: Any) -> list:
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    seen = []
    for m in metrics:
        opt.step()
        sched.step(m)
        seen.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
    return seen


DESCENT = [1.0, 0.9, 0.85, 0.85, 0.86, 0.849, 0.85, 0.9, 0.84, 0.84, 0.84, 0.84, 0.7, 0.7, 0.7, 0.71, 0.72, 0.69,
           0.69, 0.69, 0.69, 0.69, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4999, 0.5, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3,
           0.3, 0.3]


@pytest.mark.parametrize("kwargs,metrics", [
    (dict(patience=2), DESCENT),
    (dict(patience=1, factor=0.5, cooldown=3), DESCENT),
    (dict(patience=0, threshold=0.05, threshold_mode="abs", min_lr=[0.02, 0.1]), DESCENT),
    (dict(mode="max", patience=2, factor=0.3, min_lr=1e-3), [-m for m in DESCENT]),
    (dict(mode="max", patience=1, threshold=0.01, threshold_mode="abs", eps=0.01), [1 - m for m in DESCENT]),
])
def test_reduce_on_plateau_equals_torch(kwargs: dict, metrics: list) -> None:
    e = _plateau(ember, metrics, **kwargs)
    t = _plateau(torch, metrics, **kwargs)
    assert e == t
    assert e[-1][0] != e[0][0]


def test_reduce_on_plateau_takes_a_0d_tensor() -> None:
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    sched.step(ember.tensor(1.0))
    sched.step(ember.tensor(2.0))
    assert sched.get_last_lr() == [0.010000000000000002, 0.05]


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR-eta_min", "LinearLR-down"])
def test_step_with_epoch_uses_the_closed_form(name: str) -> None:
    epochs = [3, 4, 10, 17, 2, 30]
    assert jumps(ember, SCHEDULERS[name], epochs) == jumps(torch, SCHEDULERS[name], epochs)


def jumps(lib: Any, make: Callable[[Any, Any], Any], epochs: list[int]) -> list:
    """The learning rates after `step(epoch)` to each of `epochs` (each warns as deprecated)."""
    opt = _optimizer(lib)
    sched = make(lib.optim.lr_scheduler, opt)
    seen = []
    for epoch in epochs:
        opt.step()
        with pytest.warns(UserWarning, match="epoch parameter"):
            sched.step(epoch)
        seen.append(sched.get_last_lr())
    return seen


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "LambdaLR", "OneCycleLR", "LinearLR"])
def test_state_dict_resume_equals_uninterrupted(name: str) -> None:
    make = SCHEDULERS[name]
    full = _sequence(ember, make, steps=30, opt_kwargs={"momentum": 0.9})
    opt = _optimizer(ember, momentum=0.9)
    sched = make(ember.optim.lr_scheduler, opt)
    for _ in range(12):
        opt.step()
        sched.step()
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    assert "optimizer" not in saved_sched and saved_sched["last_epoch"] == 12
    opt2 = _optimizer(ember, momentum=0.9)
    sched2 = make(ember.optim.lr_scheduler, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    lrs = []
    for _ in range(18):
        lrs.append([g["lr"] for g in opt2.param_groups])
        opt2.step()
        sched2.step()
    assert lrs == [lr for lr, _, _ in full[12:]]


def test_state_dict_keys_as_torch() -> None:
    for name in ["StepLR", "MultiStepLR", "CosineAnnealingLR", "OneCycleLR"]:
        e = SCHEDULERS[name](ember.optim.lr_scheduler, _optimizer(ember, momentum=0.9)).state_dict()
        t = SCHEDULERS[name](torch.optim.lr_scheduler, _optimizer(torch, momentum=0.9)).state_dict()
        assert set(e) <= set(t)
        assert {k for k in t if not k.startswith("_")} <= set(e)
        for key in e:
            assert e[key] == t[key], key
    e = SCHEDULERS["LambdaLR"](ember.optim.lr_scheduler, _optimizer(ember)).state_dict()
    assert e["lr_lambdas"] == [None, None]


def test_resuming_needs_initial_lr() -> None:
    for lib in (ember, torch):
        with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
            lib.optim.lr_scheduler.StepLR(_optimizer(lib), step_size=3, last_epoch=5)


def test_warns_when_stepped_before_the_optimizer() -> None:
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=3)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=3)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()


@pytest.mark.parametrize("make,exc,match", [
    (lambda s, o: s.StepLR(object(), step_size=3), TypeError, "object is not an Optimizer"),
    (lambda s, o: s.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor"),
    (lambda s, o: s.LinearLR(o, end_factor=2), ValueError, "Ending multiplicative factor"),
    (lambda s, o: s.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda s, o: s.OneCycleLR(o, max_lr=1.0), ValueError, "You must define either total_steps"),
    (lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=0), ValueError, "Expected positive integer total_steps"),
    (lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=5, pct_start=1), ValueError, "pct_start"),
    (lambda s, o: s.OneCycleLR(o, max_lr=1.0, total_steps=5, anneal_strategy="exp"), ValueError, "anneal_strategy"),
    (lambda s, o: s.OneCycleLR(o, max_lr=[1.0], total_steps=5), ValueError, "max_lr must have the same length"),
    (lambda s, o: s.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda s, o: s.ReduceLROnPlateau(o, mode="median"), ValueError, "mode median is unknown!"),
    (lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs, got 1"),
])
def test_errors_as_torch(make: Callable, exc: type, match: str) -> None:
    for lib in (ember, torch):
        with pytest.raises(exc, match=match):
            make(lib.optim.lr_scheduler, _optimizer(lib))


def test_one_cycle_refuses_to_step_past_the_end() -> None:
    for lib in (ember, torch):
        opt = _optimizer(lib, momentum=0.9)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
        for _ in range(3):
            opt.step()
            sched.step()
        with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
            sched.step()


def test_one_cycle_needs_momentum() -> None:
    for lib in (ember, torch):
        opt = lib.optim.Adagrad([lib.zeros(2, requires_grad=True)])
        with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
            lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5)
