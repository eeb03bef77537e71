"""MultiplicativeLR, ConstantLR, PolynomialLR, CyclicLR, CosineAnnealingWarmRestarts,
SequentialLR and ChainedScheduler: learning rates (and momenta) equal torch's exactly over 60
steps, alone and combined; closed forms, state_dicts, warnings and errors as torch's."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import pytest
import torch

import ember

from .test_lr_scheduler import SCHEDULERS as OLD, _optimizer, _sequence, jumps

STEPS = 60

NEW = {
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda e: 0.97),
    "MultiplicativeLR-per-group": lambda s, o: s.MultiplicativeLR(o, [lambda e: 0.9, lambda e: 1.0 + 0.01 * (e % 3)]),
    "ConstantLR": lambda s, o: s.ConstantLR(o),
    "ConstantLR-factor": lambda s, o: s.ConstantLR(o, factor=0.5, total_iters=12),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=30),
    "PolynomialLR-power": lambda s, o: s.PolynomialLR(o, total_iters=45, power=2.5),
    "CyclicLR": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=7),
    "CyclicLR-triangular2": lambda s, o: s.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.5], step_size_up=5,
                                                    step_size_down=9, mode="triangular2"),
    "CyclicLR-exp_range": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range",
                                                  gamma=0.97, base_momentum=0.7, max_momentum=[0.95, 0.85]),
    "CyclicLR-scale_fn": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4,
                                                 scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"),
    "CyclicLR-no-momentum": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, cycle_momentum=False),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=7),
    "CosineAnnealingWarmRestarts-mult": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=5), s.ExponentialLR(o, gamma=0.9)], milestones=[5]),
    "SequentialLR-three": lambda s, o: s.SequentialLR(
        o, [s.ConstantLR(o, factor=0.2, total_iters=4), s.CosineAnnealingLR(o, T_max=10), s.StepLR(o, 5, 0.5)],
        milestones=[6, 20]),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler([s.ConstantLR(o, factor=0.1, total_iters=4),
                                                         s.ExponentialLR(o, gamma=0.95)]),
    "ChainedScheduler-nested": lambda s, o: s.ChainedScheduler([
        s.SequentialLR(o, [s.ConstantLR(o, factor=0.5, total_iters=3), s.PolynomialLR(o, total_iters=40)],
                       milestones=[8]),
        s.MultiStepLR(o, milestones=[10, 25], gamma=0.3)], optimizer=o),
    "chained-Cyclic-Exponential": lambda s, o: [s.CyclicLR(o, 0.01, 0.1, step_size_up=5), s.ExponentialLR(o, 0.98)],
}


@pytest.mark.parametrize("name", list(NEW))
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_sequence_equals_torch(name: str, optimizer: str) -> None:
    kwargs = {"momentum": 0.9} if optimizer == "SGD" else {}
    e = _sequence(ember, NEW[name], optimizer, steps=STEPS, opt_kwargs=kwargs)
    t = _sequence(torch, NEW[name], optimizer, steps=STEPS, opt_kwargs=kwargs)
    assert e == t
    assert len({tuple(lrs) for lrs, _, _ in e}) > 1


def test_cyclic_lr_cycles_momentum_and_beta1() -> None:
    for optimizer, kwargs in (("SGD", {"momentum": 0.9}), ("Adam", {})):
        seen = _sequence(ember, NEW["CyclicLR"], optimizer, steps=10, opt_kwargs=kwargs)
        momenta = {str(m) for _, _, m in seen}
        assert len(momenta) > 3


@pytest.mark.parametrize("name", ["ConstantLR-factor", "PolynomialLR-power"])
def test_step_with_epoch_uses_the_closed_form(name: str) -> None:
    epochs = [3, 4, 11, 12, 17, 2, 50]
    assert jumps(ember, NEW[name], epochs) == jumps(torch, NEW[name], epochs)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_with_fractional_epochs(T_mult: int) -> None:
    def run(lib: Any) -> list:
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=T_mult, eta_min=0.001)
        seen = []
        for epoch in [0.5, 1.25, 3.9, 4.0, 6.3, 13.7, 2.2, 40.1]:
            opt.step()
            sched.step(epoch)
            seen.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        return seen

    assert run(ember) == run(torch)
    for lib in (ember, torch):
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(lib), T_0=4)
        with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
            sched.step(-1)


def _state(sched: Any) -> dict:
    state = sched.state_dict()
    return {k: [_state_values(s) for s in v] if k == "_schedulers" else v for k, v in state.items()}


def _state_values(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in ("lr_lambdas", "_scale_fn_custom")}


@pytest.mark.parametrize("name", list(NEW)[:-1] + [name for name in OLD if not name.startswith("chained")])
def test_state_dict_as_torch_and_resume_equals_uninterrupted(name: str) -> None:
    make = NEW.get(name) or OLD[name]
    kwargs = {"momentum": 0.9}

    def after(lib: Any, steps: int) -> tuple[Any, Any]:
        opt = _optimizer(lib, **kwargs)
        sched = make(lib.optim.lr_scheduler, opt)
        for _ in range(steps):
            opt.step()
            sched.step()
        return opt, sched

    e_opt, e_sched = after(ember, 13)
    _, t_sched = after(torch, 13)
    assert _state(e_sched) == _state(t_sched)
    full = _sequence(ember, make, steps=30, opt_kwargs=kwargs)
    opt = _optimizer(ember, **kwargs)
    sched = make(ember.optim.lr_scheduler, opt)
    opt.load_state_dict(e_opt.state_dict())
    sched.load_state_dict(e_sched.state_dict())
    lrs = []
    for _ in range(17):
        lrs.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    assert lrs == [lr for lr, _, _ in full[13:]]


def _override_step(lib: Any) -> None:
    opt = _optimizer(lib)
    sched = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    opt.step = lambda closure=None: None
    opt.step()
    sched.step()


def _warnings_of(lib: Any, action: Callable[[Any], None]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action(lib)
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("action", [
    lambda lib: lib.optim.lr_scheduler.StepLR(_optimizer(lib), step_size=2).step(),
    lambda lib: lib.optim.lr_scheduler.StepLR(_optimizer(lib), step_size=2).get_lr(),
    lambda lib: lib.optim.lr_scheduler.CyclicLR(_optimizer(lib), 0.01, 0.1, cycle_momentum=False).get_lr(),
    lambda lib: lib.optim.lr_scheduler.PolynomialLR(_optimizer(lib)).step(),
    lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(lib), T_0=3).step(),
    lambda lib: NEW["SequentialLR"](lib.optim.lr_scheduler, _optimizer(lib)).step(),
    lambda lib: NEW["ChainedScheduler"](lib.optim.lr_scheduler, _optimizer(lib)).step(),
    _override_step,
])
def test_warnings_as_torch(action: Callable[[Any], None]) -> None:
    e, t = _warnings_of(ember, action), _warnings_of(torch, action)
    assert [m.split(".")[0] for m in e] == [m.split(".")[0] for m in t]


@pytest.mark.parametrize("make,exc,match", [
    (lambda s, o: s.ConstantLR(o, factor=2), ValueError, "Constant multiplicative factor expected"),
    (lambda s, o: s.MultiplicativeLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda s, o: s.MultiplicativeLR(o, 0.5), TypeError, "lr_lambda should be a function, but got float"),
    (lambda s, o: s.CyclicLR(o, 0.01, 0.1, mode="sine"), ValueError, "mode is invalid and scale_fn is None"),
    (lambda s, o: s.CyclicLR(o, [0.01], 0.1), ValueError, "base_lr must have the same length"),
    (lambda s, o: s.CyclicLR(o, 0.01, 0.1), ValueError, "optimizer must support momentum or beta1"),
    (lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0, but got 0"),
    (lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5), ValueError, "Expected integer T_mult >= 1"),
    (lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"), ValueError, "Expected float or int eta_min"),
    (lambda s, o: s.SequentialLR(o, [], milestones=[]), ValueError, "expects at least one scheduler"),
    (lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2)], milestones=[3]), ValueError, "number of milestones"),
    (lambda s, o: s.SequentialLR(o, [s.ReduceLROnPlateau(o)], milestones=[]), ValueError,
     "does not support `ReduceLROnPlateau`"),
    (lambda s, o: s.SequentialLR(o, [object()], milestones=[]), TypeError, "at index 0 should have `optimizer`"),
    (lambda s, o: s.ChainedScheduler([]), ValueError, "expects at least one scheduler to be chained"),
    (lambda s, o: s.ChainedScheduler([s.StepLR(o, 2), s.StepLR(type(o)([o.param_groups[0]["params"][0]]), 2)]), ValueError,
     "expects all schedulers to belong to the same optimizer"),
])
def test_errors_as_torch(make: Callable, exc: type, match: str) -> None:
    for lib in (ember, torch):
        with pytest.raises(exc, match=match):
            make(lib.optim.lr_scheduler, _optimizer(lib, "Adagrad"))
