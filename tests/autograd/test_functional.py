"""autograd.functional against torch.autograd.functional: values (float64, rtol 1e-10: the
functions are transcendental), result structures (a Tensor or tuples, nested for jacobian and
hessian), create_graph (results differentiable, their gradients as torch's), strict mode and
the errors."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember

from tolerances import TOLERANCES, TRANSCENDENTAL

RTOL, ATOL = TOLERANCES[TRANSCENDENTAL]["float64"]
X = np.array([[0.5, -1.0, 2.0], [0.3, 0.2, -0.7]])
Y = np.array([1.5, -0.5, 0.25])


def _f(a: Any, b: Any) -> Any:
    return (a * b).tanh() ** 2, (a.exp() * b).sum(1)


def _scalar(a: Any, b: Any) -> Any:
    return (a.sin() * b).sum() + (a**3).sum() * (b**2).sum()


def _one(a: Any) -> Any:
    return (a.sin() * a).sum()


def _args(lib: Any, *arrays: np.ndarray, requires_grad: bool = False) -> tuple:
    return tuple(lib.tensor(a.copy(), dtype=lib.float64, requires_grad=requires_grad) for a in arrays)


def _assert_same(e: Any, t: Any) -> None:
    """Same structure (tuple or list nesting), shapes, dtypes and values."""
    if isinstance(t, (tuple, list)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            _assert_same(a, b)
        return
    assert isinstance(e, ember.Tensor) and isinstance(t, torch.Tensor)
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert e.requires_grad == t.requires_grad
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL)


CASES: dict[str, Callable[[Any, Any], Any]] = {
    "jacobian-tuple-tuple": lambda F, lib: F.jacobian(_f, _args(lib, X, Y)),
    "jacobian-tensor-tensor": lambda F, lib: F.jacobian(lambda a: a.exp() * a, *_args(lib, Y)),
    "jacobian-tensor-tuple-out": lambda F, lib: F.jacobian(lambda a: (a.sin(), a.sum()), *_args(lib, X)),
    "jacobian-unused-input": lambda F, lib: F.jacobian(lambda a, b: a * 2, _args(lib, X, Y)),
    "jacobian-vectorize": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), vectorize=True),
    "jacobian-forward-mode": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), vectorize=True, strategy="forward-mode"),
    "hessian-tuple": lambda F, lib: F.hessian(_scalar, _args(lib, X, Y)),
    "hessian-tensor": lambda F, lib: F.hessian(_one, *_args(lib, X)),
    "hessian-forward-mode": lambda F, lib: F.hessian(_one, *_args(lib, Y), vectorize=True,
                                                     outer_jacobian_strategy="forward-mode"),
    "vjp": lambda F, lib: F.vjp(_f, _args(lib, X, Y), _args(lib, X * 0.5, Y[:2])),
    "vjp-scalar-no-v": lambda F, lib: F.vjp(_one, *_args(lib, X)),
    "jvp": lambda F, lib: F.jvp(_f, _args(lib, X, Y), _args(lib, X * 0 + 1, Y * 2)),
    "jvp-tensor": lambda F, lib: F.jvp(lambda a: a.exp() * a, *_args(lib, Y), *_args(lib, Y + 1)),
    "jvp-scalar-no-v": lambda F, lib: F.jvp(lambda a: a.exp(), *_args(lib, np.array(0.7))),
    "hvp": lambda F, lib: F.hvp(_scalar, _args(lib, X, Y), _args(lib, X - 1, Y * 3)),
    "hvp-tensor": lambda F, lib: F.hvp(_one, *_args(lib, X), *_args(lib, X + 2)),
    "vhp": lambda F, lib: F.vhp(_scalar, _args(lib, X, Y), _args(lib, X - 1, Y * 3)),
    "vhp-tensor": lambda F, lib: F.vhp(_one, *_args(lib, X), *_args(lib, X + 2)),
    "vjp-create_graph": lambda F, lib: F.vjp(_f, _args(lib, X, Y, requires_grad=True), _args(lib, X, Y[:2]),
                                             create_graph=True),
    "jvp-create_graph": lambda F, lib: F.jvp(_f, _args(lib, X, Y, requires_grad=True), _args(lib, X, Y),
                                             create_graph=True),
    "hvp-create_graph": lambda F, lib: F.hvp(_scalar, _args(lib, X, Y, requires_grad=True), _args(lib, X, Y),
                                             create_graph=True),
    "jacobian-create_graph": lambda F, lib: F.jacobian(_f, _args(lib, X, Y, requires_grad=True), create_graph=True),
    "hessian-create_graph": lambda F, lib: F.hessian(_scalar, _args(lib, X, Y, requires_grad=True),
                                                     create_graph=True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name: str) -> None:
    _assert_same(CASES[name](ember.autograd.functional, ember), CASES[name](torch.autograd.functional, torch))


def _flat(result: Any) -> list:
    return [r for item in result for r in _flat(item)] if isinstance(result, tuple) else [result]


@pytest.mark.parametrize("name", ["vjp-create_graph", "jvp-create_graph", "hvp-create_graph", "jacobian-create_graph"])
def test_create_graph_results_differentiate_as_torch(name: str) -> None:
    def third(F: Any, lib: Any) -> tuple:
        inputs = _args(lib, X, Y, requires_grad=True)
        call = {"vjp-create_graph": lambda: F.vjp(_f, inputs, _args(lib, X, Y[:2]), create_graph=True),
                "jvp-create_graph": lambda: F.jvp(_f, inputs, _args(lib, X, Y), create_graph=True),
                "hvp-create_graph": lambda: F.hvp(_scalar, inputs, _args(lib, X, Y), create_graph=True),
                "jacobian-create_graph": lambda: F.jacobian(_f, inputs, create_graph=True)}[name]
        total = sum((r**2).sum() for r in _flat(call()))
        return lib.autograd.grad(total, inputs, allow_unused=True)

    _assert_same(third(ember.autograd.functional, ember), third(torch.autograd.functional, torch))


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "vjp-needs-v": lambda F, lib: F.vjp(_f, _args(lib, X, Y)),
    "vjp-v-length": lambda F, lib: F.vjp(_f, _args(lib, X, Y), _args(lib, X)),
    "vjp-v-single": lambda F, lib: F.vjp(lambda a: a * 2, *_args(lib, X), _args(lib, X, X)),
    "jvp-v-size": lambda F, lib: F.jvp(lambda a: a * 2, *_args(lib, X), *_args(lib, Y)),
    "jvp-needs-v": lambda F, lib: F.jvp(lambda a: a * 2, *_args(lib, X)),
    "hvp-tuple-output": lambda F, lib: F.hvp(_f, _args(lib, X, Y), _args(lib, X, Y)),
    "vhp-many-elements": lambda F, lib: F.vhp(lambda a: a * 2, *_args(lib, Y), *_args(lib, Y)),
    "hessian-many-elements": lambda F, lib: F.hessian(lambda a: a * 2, *_args(lib, Y)),
    "hessian-tuple-output": lambda F, lib: F.hessian(lambda a: (a.sum(), a.sum()), *_args(lib, Y)),
    "inputs-list": lambda F, lib: F.jacobian(_f, list(_args(lib, X, Y))),
    "inputs-tuple-entry": lambda F, lib: F.vjp(_f, (_args(lib, X)[0], 2.0)),
    "output-not-tensor": lambda F, lib: F.jacobian(lambda a: 3.0, *_args(lib, Y)),
    "strict-independent": lambda F, lib: F.jacobian(lambda a, b: a * 2, _args(lib, X, Y), strict=True),
    "strict-no-grad-output": lambda F, lib: F.vjp(lambda a: a.detach(), *_args(lib, Y), *_args(lib, Y), strict=True),
    "strict-vjp-unused": lambda F, lib: F.vjp(lambda a, b: a * 2, _args(lib, X, Y), _args(lib, X), strict=True),
    "strict-linear-hessian": lambda F, lib: F.hessian(lambda a: a.sum(), *_args(lib, Y), strict=True),
    "strict-hvp-linear": lambda F, lib: F.hvp(lambda a: a.sum(), *_args(lib, Y), *_args(lib, Y), strict=True),
    "strict-jvp-detached": lambda F, lib: F.jvp(lambda a: a.detach(), *_args(lib, Y), *_args(lib, Y), strict=True),
    "strict-vectorize": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), strict=True, vectorize=True),
    "forward-mode-create_graph": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), create_graph=True,
                                                           strategy="forward-mode"),
    "forward-mode-strict": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), strict=True, strategy="forward-mode"),
    "forward-mode-not-vectorized": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), strategy="forward-mode"),
    "bad-strategy": lambda F, lib: F.jacobian(_f, _args(lib, X, Y), strategy="sideways"),
    "hessian-bad-strategy": lambda F, lib: F.hessian(_one, *_args(lib, Y), outer_jacobian_strategy="sideways"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_torch(name: str) -> None:
    with pytest.raises(Exception) as expected:
        ERRORS[name](torch.autograd.functional, torch)
    with pytest.raises(type(expected.value)) as got:
        ERRORS[name](ember.autograd.functional, ember)
    assert str(got.value) == str(expected.value).replace("torch.Size", "ember.Size")
