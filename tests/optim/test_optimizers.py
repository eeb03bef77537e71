"""Each optimizer and option, 20 steps on the same MLP in ember and torch (float64): the
parameters must agree to rtol 1e-10, and training must have moved them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_params_close, initial_arrays, train

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.05, nesterov=True)),
    ("SGD", dict(lr=0.01, momentum=0.9, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9))),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, eps=1e-4)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.001, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-4)),
    ("Adadelta", dict(weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
]


def _id(config: tuple) -> str:
    name, kwargs = config
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("config", CONFIGS, ids=[_id(c) for c in CONFIGS])
def test_twenty_steps_match_torch(config: tuple) -> None:
    name, kwargs = config
    e_params, _, e_losses = train(ember, lambda optim, p: getattr(optim, name)(p, **kwargs))
    t_params, _, t_losses = train(torch, lambda optim, p: getattr(optim, name)(p, **kwargs))
    assert_params_close(e_params, t_params)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-10, atol=0)
    start = initial_arrays()["w1"]
    assert np.abs(e_params[0].detach().numpy() - start).max() > 1e-3


@pytest.mark.parametrize("kwargs", [dict(lr=0.1, l1=0.01), dict(lr=0.1, momentum=0.9, l1=0.02, weight_decay=0.01),
                                    dict(lr=0.05, momentum=0.9, nesterov=True, l1=0.01)])
def test_sgd_l1_is_sgd_on_grad_plus_l1_sign(kwargs: dict) -> None:
    """torch has no l1 option: the reference adds l1 * sign(p) to each gradient before the step."""
    l1 = kwargs["l1"]
    torch_kwargs = {k: v for k, v in kwargs.items() if k != "l1"}

    def add_l1(params: list) -> None:
        for p in params:
            p.grad += l1 * torch.sign(p)

    e_params, _, _ = train(ember, lambda optim, p: optim.SGD(p, **kwargs))
    t_params, _, _ = train(torch, lambda optim, p: optim.SGD(p, **torch_kwargs), before_step=add_l1)
    plain, _, _ = train(ember, lambda optim, p: optim.SGD(p, **torch_kwargs))
    assert_params_close(e_params, t_params)
    assert np.abs(e_params[0].detach().numpy() - plain[0].detach().numpy()).max() > 1e-4


def test_sgd_l1_shrinks_when_maximizing_too() -> None:
    """Like weight decay, the L1 term is a penalty under maximize: torch's reference subtracts it
    from the gradient that maximize then negates."""
    def sub_l1(params: list) -> None:
        for p in params:
            p.grad -= 0.01 * torch.sign(p)

    e_params, _, _ = train(ember, lambda optim, p: optim.SGD(p, lr=0.01, maximize=True, l1=0.01))
    t_params, _, _ = train(torch, lambda optim, p: optim.SGD(p, lr=0.01, maximize=True), before_step=sub_l1)
    assert_params_close(e_params, t_params)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_param_groups_with_their_own_options(name: str) -> None:
    def make(optim, p):
        return getattr(optim, name)([{"params": p[:2], "lr": 0.05}, {"params": p[2:], "weight_decay": 0.1}], lr=0.01)

    e_params, e_opt, _ = train(ember, make)
    t_params, t_opt, _ = train(torch, make)
    assert_params_close(e_params, t_params)
    assert [g["lr"] for g in e_opt.param_groups] == [0.05, 0.01]
    assert [g["weight_decay"] for g in e_opt.param_groups] == [0, 0.1]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"])
def test_parameter_without_grad_is_left_alone(name: str) -> None:
    def drop_b2(params: list) -> None:
        params[3].grad = None

    kwargs = dict(lr=0.05) if name != "SGD" else dict(lr=0.05, momentum=0.9)
    e_params, e_opt, _ = train(ember, lambda optim, p: getattr(optim, name)(p, **kwargs), before_step=drop_b2)
    t_params, t_opt, _ = train(torch, lambda optim, p: getattr(optim, name)(p, **kwargs), before_step=drop_b2)
    assert_params_close(e_params, t_params)
    np.testing.assert_array_equal(e_params[3].detach().numpy(), initial_arrays()["b2"])
    assert (e_params[3] in e_opt.state) == (t_params[3] in t_opt.state)


def test_lr_may_change_between_steps() -> None:
    def run(lib):
        arrays = initial_arrays()
        params, opt, _ = train(lib, lambda optim, p: optim.Adam(p, lr=0.01), steps=5, arrays=arrays)
        for g in opt.param_groups:
            g["lr"] = 0.05
            g["betas"] = (0.5, 0.9)
        return train(lib, None, steps=5, arrays=arrays, params=params, opt=opt)[0]

    assert_params_close(run(ember), run(torch))


def test_nn_parameters_are_optimized_in_place() -> None:
    w = ember.nn.Parameter(ember.tensor([1.0, -2.0], dtype=ember.float64))
    storage = w.numpy(force=True)
    version = w._version
    opt = ember.optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    assert w.numpy(force=True) is storage
    np.testing.assert_array_equal(storage, [0.0, 0.0])
    assert w._version > version
    assert w.requires_grad and w.grad_fn is None


def test_float32_parameters_stay_float32() -> None:
    for name in ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta"]:
        w = ember.tensor([1.0, -2.0], requires_grad=True)
        opt = getattr(ember.optim, name)([w], lr=0.1)
        (w * w).sum().backward()
        opt.step()
        assert w.dtype is ember.float32
        for value in opt.state[w].values():
            if value.ndim:
                assert value.dtype is ember.float32
