"""The Optimizer base: construction errors, param groups, zero_grad, closures, repr, hooks."""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember

ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "LBFGS"]


def _both_raise(make: Callable[[Any], Any], exc: type, match: str) -> None:
    for lib in (ember, torch):
        with pytest.raises(exc, match=match):
            make(lib)


def _leaf(lib: Any, n: int = 2) -> Any:
    return lib.zeros(n, requires_grad=True)


@pytest.mark.parametrize("name", ALL)
def test_empty_parameter_list(name: str) -> None:
    _both_raise(lambda lib: getattr(lib.optim, name)([]), ValueError, "optimizer got an empty parameter list")


@pytest.mark.parametrize("name", ALL)
def test_negative_lr(name: str) -> None:
    _both_raise(lambda lib: getattr(lib.optim, name)([_leaf(lib)], lr=-0.1), ValueError, "Invalid learning rate: -0.1")


@pytest.mark.parametrize("name,kwargs,match", [
    ("SGD", dict(momentum=-1), "Invalid momentum value: -1"),
    ("SGD", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("SGD", dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov momentum requires"),
    ("Adam", dict(betas=(1.0, 0.9)), re.escape("Invalid beta parameter at index 0: 1.0")),
    ("Adam", dict(betas=(0.9, -0.1)), re.escape("Invalid beta parameter at index 1: -0.1")),
    ("Adam", dict(eps=-1), "Invalid epsilon value: -1"),
    ("AdamW", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("RMSprop", dict(alpha=-1), "Invalid alpha value: -1"),
    ("RMSprop", dict(momentum=-1), "Invalid momentum value: -1"),
    ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    ("Adadelta", dict(rho=1.5), "Invalid rho value: 1.5"),
])
def test_invalid_hyperparameters(name: str, kwargs: dict, match: str) -> None:
    _both_raise(lambda lib: getattr(lib.optim, name)([_leaf(lib)], lr=0.1, **kwargs), ValueError, match)


def test_params_must_be_leaf_tensors_in_an_ordered_collection() -> None:
    _both_raise(lambda lib: lib.optim.SGD(_leaf(lib), lr=0.1), TypeError,
                "params argument given to the optimizer should be an iterable of Tensors or dicts")
    _both_raise(lambda lib: lib.optim.SGD([_leaf(lib) * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor")
    _both_raise(lambda lib: lib.optim.SGD([1.0], lr=0.1), TypeError,
                "optimizer can only optimize Tensors, but one of the params is float")
    _both_raise(lambda lib: lib.optim.SGD([{"params": {_leaf(lib)}}], lr=0.1), TypeError, "ordered collections")


def test_groups_may_not_share_parameters() -> None:
    def make(lib: Any) -> Any:
        p = _leaf(lib)
        return lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)

    _both_raise(make, ValueError, "some parameters appear in more than one parameter group")


def test_duplicate_parameter_warns() -> None:
    p = _leaf(ember)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([p, p], lr=0.1)


def test_add_param_group_fills_defaults() -> None:
    a, b = _leaf(ember), _leaf(ember)
    opt = ember.optim.Adam([a], lr=0.01, betas=(0.8, 0.9))
    opt.add_param_group({"params": b, "lr": 0.5})
    group = opt.param_groups[1]
    assert group["params"] == [b] and group["lr"] == 0.5 and group["betas"] == (0.8, 0.9)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([b])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_named_parameters_keep_their_names() -> None:
    for lib in (ember, torch):
        a, b = _leaf(lib), _leaf(lib)
        opt = lib.optim.SGD([("w", a), ("b", b)], lr=0.1)
        assert opt.param_groups[0]["param_names"] == ["w", "b"]
        assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]
        with pytest.raises(ValueError, match="cannot add param group without names"):
            opt.add_param_group({"params": [_leaf(lib)]})


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta"])
def test_repr_is_torchs(name: str) -> None:
    e = getattr(ember.optim, name)([_leaf(ember)], lr=0.1)
    t = getattr(torch.optim, name)([_leaf(torch)], lr=0.1)
    assert repr(e).replace("    l1: 0\n", "") == repr(t)


def test_zero_grad() -> None:
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1)
    (a * a).sum().backward()
    grad = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is grad
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0])
    opt.zero_grad()
    assert a.grad is None
    opt.zero_grad()


def test_zero_grad_detaches_a_grad_with_history() -> None:
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    (a**3).sum().backward(create_graph=True)
    assert a.grad.grad_fn is not None
    ember.optim.SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad.grad_fn is None and not a.grad.requires_grad


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta"])
def test_step_returns_the_closure_loss_computed_with_grad(name: str) -> None:
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = getattr(ember.optim, name)([a], lr=0.1)

    def closure() -> Any:
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 5.0
    assert opt.step() is None
    assert not a.grad_fn and a.requires_grad


def test_step_records_no_graph() -> None:
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1, momentum=0.9)
    (a * a).sum().backward()
    opt.step()
    assert a.is_leaf and a.requires_grad
    assert not opt.state[a]["momentum_buffer"].requires_grad


def test_step_hooks() -> None:
    a = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))
    opt.step()
    pre.remove()
    opt.step()
    assert calls == [("pre", True), ("post", True), ("post", True)]


def test_a_user_optimizer_subclass() -> None:
    class SignDescent(ember.optim.Optimizer):
        def __init__(self, params: Any, lr: float = 0.1) -> None:
            super().__init__(params, {"lr": lr})

        def step(self, closure: Any = None) -> Any:
            for group in self.param_groups:
                for p in group["params"]:
                    p.add_(p.grad.sign(), alpha=-group["lr"])
            return None

    a = ember.tensor([1.0, -2.0], dtype=ember.float64, requires_grad=True)
    opt = SignDescent([a])
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.9, -1.9], rtol=1e-12)
    assert repr(opt) == "SignDescent (\nParameter Group 0\n    lr: 0.1\n)"


def test_subclass_of_a_builtin_optimizer_runs_hooks_once() -> None:
    class ClippedSGD(ember.optim.SGD):
        def step(self, closure: Any = None) -> Any:
            for group in self.param_groups:
                for p in group["params"]:
                    p.grad.clamp_(-1.0, 1.0)
            return super().step(closure)

    a = ember.tensor([3.0, -0.25], dtype=ember.float64, requires_grad=True)
    opt = ClippedSGD([a], lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
    (a * a).sum().backward()
    opt.step()
    assert calls == ["pre"]
    np.testing.assert_allclose(a.detach().numpy(), [2.9, -0.2], rtol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": "tensor", "foreach": True}, "lr as a Tensor is not supported for capturable=False and foreach=True"),
    ({"betas": (0.9, "tensor")}, "betas must be either both floats or both Tensors"),
    ({"betas": ("tensor", "tensor"), "foreach": True}, r"betas\[0\] as a Tensor is not supported"),
])
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_tensor_options_raise_torch_errors(name: str, kwargs: dict, message: str) -> None:
    """Adam's checks of tensor lr and betas, in torch's order, with torch's messages."""
    for lib in (torch, ember):
        def value(v: Any) -> Any:
            return lib.tensor(0.5) if v == "tensor" else v

        given = {k: tuple(value(b) for b in v) if isinstance(v, tuple) else value(v) for k, v in kwargs.items()}
        with pytest.raises(ValueError, match=message):
            getattr(lib.optim, name)([lib.zeros(2, requires_grad=True)], **given)
