"""torch's optimizer keywords foreach, fused, capturable, differentiable and maximize: the same
constructor signatures as torch 2.13, the same param_group entries, foreach and fused=False
giving torch's numbers, maximize combined with every other option over 20 steps, and a clear
refusal of what the NumPy backend cannot do (fused=True, capturable=True, differentiable=True)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_params_close, train

OPTIMIZERS = [
    "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor",
]


def _parameters(cls: type) -> list[tuple[str, object, object]]:
    """(name, kind, default) of each constructor parameter but self; `l1` is ember's own SGD option."""
    params = inspect.signature(cls.__init__).parameters.values()
    return [(p.name, p.kind, p.default) for p in params if p.name not in ("self", "l1")]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_constructor_signature_is_torchs(name: str) -> None:
    """Same names, order, positional/keyword-only kinds and defaults as torch's."""
    assert _parameters(getattr(ember.optim, name)) == _parameters(getattr(torch.optim, name))


def _accepted(name: str) -> list[str]:
    flags = ("foreach", "fused", "capturable", "differentiable", "maximize")
    return [f for f in flags if f in inspect.signature(getattr(torch.optim, name).__init__).parameters]


FLAG_SETTINGS = [dict(), dict(foreach=True), dict(foreach=False), dict(fused=False), dict(maximize=True)]


@pytest.mark.parametrize("flags", FLAG_SETTINGS, ids=[str(f) for f in FLAG_SETTINGS])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_param_groups_equal_torchs(name: str, flags: dict) -> None:
    flags = {k: v for k, v in flags.items() if k in _accepted(name)}
    e = getattr(ember.optim, name)([ember.ones(2, requires_grad=True)], lr=0.1, **flags)
    t = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], lr=0.1, **flags)
    e_group = e.state_dict()["param_groups"][0]
    assert list(e_group) == list(t.state_dict()["param_groups"][0])
    assert e_group == t.state_dict()["param_groups"][0]
    assert e.defaults == t.defaults


# 20 steps with each flag torch computes the same numbers with; maximize with every other option
TRAJECTORIES = [
    ("SGD", dict(lr=0.1, momentum=0.9, foreach=True)),
    ("SGD", dict(lr=0.1, fused=False, foreach=False)),
    # gradient ascent at lr 0.05 reaches a loss of 1e7 by step 20, growing the last-bit differences of
    # torch's fused multiply-adds to 1e-9; at 0.02 the loss still climbs and they stay at 1e-15
    ("SGD", dict(lr=0.02, momentum=0.5, weight_decay=0.05, nesterov=True, maximize=True)),
    ("SGD", dict(lr=0.02, momentum=0.9, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.01, foreach=True, fused=False)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True, foreach=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True, maximize=True, foreach=False)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, maximize=True, foreach=True)),
    ("RMSprop", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, maximize=True, foreach=True, fused=False)),
    ("Adadelta", dict(lr=0.5, rho=0.5, weight_decay=0.1, maximize=True, foreach=True)),
]


@pytest.mark.parametrize("config", TRAJECTORIES, ids=[f"{n}-{k}" for n, k in TRAJECTORIES])
def test_twenty_steps_with_flags_match_torch(config: tuple) -> None:
    name, kwargs = config
    e_params, _, e_losses = train(ember, lambda optim, p: getattr(optim, name)(p, **kwargs))
    t_params, _, t_losses = train(torch, lambda optim, p: getattr(optim, name)(p, **kwargs))
    assert_params_close(e_params, t_params)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-10, atol=0)


def test_maximize_climbs_the_loss() -> None:
    """maximize follows +gradient: the loss grows step after step, as it falls without it."""
    for maximize, direction in ((False, -1), (True, 1)):
        _, _, losses = train(ember, lambda optim, p: optim.Adam(p, lr=0.01, maximize=maximize))
        assert np.all(direction * np.diff(losses) > 0)


@pytest.mark.parametrize("flag", ["fused", "capturable", "differentiable"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_unsupported_flags_are_refused_by_name(name: str, flag: str) -> None:
    """A flag torch takes but the NumPy backend cannot honour raises a RuntimeError naming it;
    a flag torch's optimizer does not take at all is a TypeError in both."""
    params = [ember.ones(2, requires_grad=True)]
    if flag in _accepted(name):
        with pytest.raises(RuntimeError, match=rf"{name}: {flag}=True .* leave {flag} at its default"):
            getattr(ember.optim, name)(params, lr=0.1, **{flag: True})
        return
    with pytest.raises(TypeError):
        getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], lr=0.1, **{flag: True})
    with pytest.raises(TypeError):
        getattr(ember.optim, name)(params, lr=0.1, **{flag: True})


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_and_foreach_together_raise_runtime_error_as_torch(name: str) -> None:
    with pytest.raises(RuntimeError):
        getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], lr=0.1, fused=True, foreach=True)
    with pytest.raises(RuntimeError, match="fused=True"):
        getattr(ember.optim, name)([ember.ones(2, requires_grad=True)], lr=0.1, fused=True, foreach=True)


def test_rmsprop_takes_its_flags_positionally_as_torch() -> None:
    e = ember.optim.RMSprop([ember.ones(2, requires_grad=True)], 0.01, 0.9, 1e-8, 0, 0, False, False, True, True)
    t = torch.optim.RMSprop([torch.ones(2, requires_grad=True)], 0.01, 0.9, 1e-8, 0, 0, False, False, True, True)
    assert e.state_dict()["param_groups"] == t.state_dict()["param_groups"]
