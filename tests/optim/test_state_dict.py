"""state_dict / load_state_dict: torch's layout, a resumed run equals an uninterrupted one, and
a torch checkpoint (tensors converted) continues in ember as it does in torch."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import torch

import ember

from .conftest import (
    assert_params_close, as_numpy, initial_arrays, make_params, to_ember, train,
)

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adadelta", dict(weight_decay=0.1)),
]
IDS = [f"{name}-{kwargs}" for name, kwargs in CONFIGS]


def _make(name: str, kwargs: dict):
    return lambda optim, params: getattr(optim, name)(params, **kwargs)


def _resume(lib: Any, name: str, kwargs: dict, state: dict, params: list, steps: int) -> list:
    arrays = initial_arrays()
    fresh = [lib.tensor(as_numpy(p).copy(), requires_grad=True) for p in params]
    opt = getattr(lib.optim, name)(fresh, **kwargs)
    opt.load_state_dict(state)
    return train(lib, None, steps=steps, arrays=arrays, params=fresh, opt=opt)[0]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_resume_equals_uninterrupted_run(name: str, kwargs: dict) -> None:
    full, _, _ = train(ember, _make(name, kwargs), steps=20)
    half, opt, _ = train(ember, _make(name, kwargs), steps=10)
    saved = copy.deepcopy(opt.state_dict())
    resumed = _resume(ember, name, kwargs, saved, half, steps=10)
    for a, b in zip(resumed, full):
        np.testing.assert_array_equal(as_numpy(a), as_numpy(b))


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_layout_and_values_as_torch(name: str, kwargs: dict) -> None:
    _, e_opt, _ = train(ember, _make(name, kwargs), steps=3)
    _, t_opt, _ = train(torch, _make(name, kwargs), steps=3)
    e_sd, t_sd = e_opt.state_dict(), t_opt.state_dict()
    assert list(e_sd) == ["state", "param_groups"]
    assert list(e_sd["state"]) == list(t_sd["state"])
    for index, t_state in t_sd["state"].items():
        e_state = e_sd["state"][index]
        assert list(e_state) == list(t_state)
        for key, t_value in t_state.items():
            e_value = e_state[key]
            assert isinstance(e_value, ember.Tensor)
            assert e_value.dtype.name == str(t_value.dtype).removeprefix("torch.")
            np.testing.assert_allclose(as_numpy(e_value), t_value.numpy(), rtol=1e-10, atol=0)
    for e_group, t_group in zip(e_sd["param_groups"], t_sd["param_groups"]):
        assert e_group["params"] == t_group["params"]
        assert list(e_group) == list(t_group)
        for key in set(t_group) - {"params"}:
            assert e_group[key] == t_group[key], key


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_torch_checkpoint_continues_as_in_torch(name: str, kwargs: dict) -> None:
    full, _, _ = train(torch, _make(name, kwargs), steps=20)
    half, t_opt, _ = train(torch, _make(name, kwargs), steps=10)
    resumed = _resume(ember, name, kwargs, to_ember(t_opt.state_dict()), half, steps=10)
    assert_params_close(resumed, full)


def test_state_is_per_parameter_and_survives_reordered_groups() -> None:
    arrays = initial_arrays()
    params = make_params(ember, arrays)
    opt = ember.optim.SGD([{"params": params[2:]}, {"params": params[:2], "lr": 0.5}], lr=0.1, momentum=0.9)
    train(ember, None, steps=2, arrays=arrays, params=params, opt=opt)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2, 3]]
    np.testing.assert_array_equal(as_numpy(sd["state"][0]["momentum_buffer"]),
                                  as_numpy(opt.state[params[2]]["momentum_buffer"]))


def test_load_casts_state_to_the_parameter_dtype_and_copies() -> None:
    w = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    opt = ember.optim.Adam([w])
    state = {"state": {0: {"step": ember.tensor(3.0), "exp_avg": ember.tensor([0.1, 0.2]),
                           "exp_avg_sq": ember.tensor([0.3, 0.4])}},
             "param_groups": [dict(opt.state_dict()["param_groups"][0], lr=0.5)]}
    opt.load_state_dict(state)
    loaded = opt.state[w]
    assert loaded["exp_avg"].dtype is ember.float64
    assert loaded["step"].dtype is ember.float32
    assert loaded["exp_avg"] is not state["state"][0]["exp_avg"]
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"][0] is w


def test_load_errors_as_torch() -> None:
    for lib in (ember, torch):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)
        one = lib.optim.SGD([a, b], lr=0.1)
        two = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
        with pytest.raises(ValueError, match="different number of parameter groups"):
            one.load_state_dict(two.state_dict())
        smaller = lib.optim.SGD([a], lr=0.1)
        with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
            one.load_state_dict(smaller.state_dict())


def test_deepcopy_of_a_state_dict_is_a_snapshot() -> None:
    params, opt, _ = train(ember, _make("Adam", dict(lr=0.01)), steps=2)
    saved = copy.deepcopy(opt.state_dict())
    live = opt.state_dict()["state"][0]["exp_avg"]
    assert saved["state"][0]["exp_avg"] is not live
    before = as_numpy(saved["state"][0]["exp_avg"]).copy()
    train(ember, None, steps=1, arrays=initial_arrays(), params=params, opt=opt)
    np.testing.assert_array_equal(as_numpy(saved["state"][0]["exp_avg"]), before)
    assert not np.array_equal(as_numpy(live), before)
