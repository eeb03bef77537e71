"""Activations against torch: modules (outputs and input gradients, float64 and float32, reprs),
the functional forms at their kinks and extremes, in-place variants, and gradcheck."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import EXACT, TOLERANCES, TRANSCENDENTAL

from .conftest import compare_layer

MODULES = {
    "ReLU": lambda m: m.ReLU(),
    "ReLU6": lambda m: m.ReLU6(),
    "LeakyReLU": lambda m: m.LeakyReLU(),
    "LeakyReLU_0.2": lambda m: m.LeakyReLU(0.2),
    "LeakyReLU_negative": lambda m: m.LeakyReLU(-1.5),
    "ELU": lambda m: m.ELU(),
    "ELU_alpha": lambda m: m.ELU(alpha=0.3),
    "SELU": lambda m: m.SELU(),
    "GELU": lambda m: m.GELU(),
    "GELU_tanh": lambda m: m.GELU(approximate="tanh"),
    "SiLU": lambda m: m.SiLU(),
    "Mish": lambda m: m.Mish(),
    "Softplus": lambda m: m.Softplus(),
    "Softplus_beta": lambda m: m.Softplus(beta=2.0, threshold=3.0),
    "Sigmoid": lambda m: m.Sigmoid(),
    "Tanh": lambda m: m.Tanh(),
    "Hardtanh": lambda m: m.Hardtanh(),
    "Hardtanh_range": lambda m: m.Hardtanh(-0.5, 1.5),
    "Softmax": lambda m: m.Softmax(dim=1),
    "Softmax_last": lambda m: m.Softmax(dim=-1),
    "LogSoftmax": lambda m: m.LogSoftmax(dim=0),
    "LogSoftmax_last": lambda m: m.LogSoftmax(dim=-1),
}

# piecewise linear: the same comparisons and multiplies as torch's, held to the exact class
PIECEWISE_LINEAR = {"ReLU", "ReLU6", "LeakyReLU", "LeakyReLU_0.2", "LeakyReLU_negative", "Hardtanh", "Hardtanh_range",
                    "relu", "relu6", "leaky_relu", "leaky_relu_slope", "hardtanh", "hardtanh_range"}


def _tolerance(name: str, dtype: str) -> tuple[float, float]:
    return TOLERANCES[EXACT if name in PIECEWISE_LINEAR else TRANSCENDENTAL][dtype]


REPRS = {
    **MODULES,
    "ReLU_inplace": lambda m: m.ReLU(inplace=True),
    "LeakyReLU_inplace": lambda m: m.LeakyReLU(0.1, inplace=True),
    "ELU_inplace": lambda m: m.ELU(2.0, inplace=True),
    "SELU_inplace": lambda m: m.SELU(inplace=True),
    "SiLU_inplace": lambda m: m.SiLU(inplace=True),
    "Mish_inplace": lambda m: m.Mish(inplace=True),
    "Hardtanh_inplace": lambda m: m.Hardtanh(0, 2, inplace=True),
    "ReLU6_inplace": lambda m: m.ReLU6(inplace=True),
    "Softmax_none": lambda m: m.Softmax(),
    "Softplus_ints": lambda m: m.Softplus(2, 10),
    "ELU_int_alpha": lambda m: m.ELU(1),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(MODULES))
def test_module_matches_torch(name: str, dtype: str) -> None:
    build = MODULES[name]
    compare_layer(build(nn), build(torch.nn), [(3, 4, 5)], dtype, low=-4.0, high=4.0, tolerance=_tolerance(name, dtype))


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_equals_torch(name: str) -> None:
    assert repr(REPRS[name](nn)) == repr(REPRS[name](torch.nn))


# the points where a piecewise definition switches, and values far out on either side
EDGES = np.array([-1000.0, -30.0, -20.5, -6.0, -1.0, -0.5, 0.0, 0.5, 1.0, 6.0, 20.5, 30.0, 1000.0])

FUNCTIONS = {
    "relu": (F.relu, torch.nn.functional.relu),
    "relu6": (F.relu6, torch.nn.functional.relu6),
    "leaky_relu": (F.leaky_relu, torch.nn.functional.leaky_relu),
    "leaky_relu_slope": (lambda x: F.leaky_relu(x, 0.3), lambda x: torch.nn.functional.leaky_relu(x, 0.3)),
    "elu": (F.elu, torch.nn.functional.elu),
    "elu_alpha": (lambda x: F.elu(x, 2.5), lambda x: torch.nn.functional.elu(x, 2.5)),
    "selu": (F.selu, torch.nn.functional.selu),
    "gelu": (F.gelu, torch.nn.functional.gelu),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
    "silu": (F.silu, torch.nn.functional.silu),
    "mish": (F.mish, torch.nn.functional.mish),
    "softplus": (F.softplus, torch.nn.functional.softplus),
    "softplus_beta": (lambda x: F.softplus(x, 0.5, 5.0), lambda x: torch.nn.functional.softplus(x, 0.5, 5.0)),
    "sigmoid": (F.sigmoid, torch.nn.functional.sigmoid),
    "tanh": (F.tanh, torch.nn.functional.tanh),
    "hardtanh": (F.hardtanh, torch.nn.functional.hardtanh),
    "hardtanh_range": (lambda x: F.hardtanh(x, -6.0, 0.5), lambda x: torch.nn.functional.hardtanh(x, -6.0, 0.5)),
    "softmax": (lambda x: F.softmax(x, 0), lambda x: torch.nn.functional.softmax(x, 0)),
    "log_softmax": (lambda x: F.log_softmax(x, 0), lambda x: torch.nn.functional.log_softmax(x, 0)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_functional_at_kinks_and_extremes_matches_torch(name: str, dtype: str) -> None:
    """Values and gradients where the definition switches branch (0, the hardtanh bounds, the
    softplus threshold) and where naive formulas overflow: no nan, torch's one-sided choices."""
    ember_fn, torch_fn = FUNCTIONS[name]
    rtol, atol = _tolerance(name, dtype)
    data = EDGES.astype(dtype)
    upstream = np.linspace(0.5, 1.5, data.size).astype(dtype)
    e = ember.tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        e_out = ember_fn(e)
        (e_out * ember.tensor(upstream)).sum().backward()
    t_out = torch_fn(t)
    (t_out * torch.tensor(upstream)).sum().backward()
    assert e_out.dtype.name == dtype
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol, err_msg="output")
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol, err_msg="gradient")


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_gradcheck_and_gradgradcheck(name: str) -> None:
    ember_fn, _ = FUNCTIONS[name]
    rng = np.random.default_rng(0)
    # away from the kinks, where finite differences are undefined
    data = rng.uniform(0.1, 3.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    x = ember.tensor(data, requires_grad=True)
    assert gradcheck(ember_fn, (x,))
    assert gradgradcheck(ember_fn, (x,))


INPLACE = {
    "relu": (lambda x: F.relu(x, inplace=True), torch.nn.functional.relu),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2, inplace=True), lambda x: torch.nn.functional.leaky_relu(x, 0.2)),
    "elu": (lambda x: F.elu(x, inplace=True), torch.nn.functional.elu),
    "selu": (lambda x: F.selu(x, inplace=True), torch.nn.functional.selu),
    "silu": (lambda x: F.silu(x, inplace=True), torch.nn.functional.silu),
    "mish": (lambda x: F.mish(x, inplace=True), torch.nn.functional.mish),
    "hardtanh": (lambda x: F.hardtanh(x, inplace=True), torch.nn.functional.hardtanh),
    "relu6": (lambda x: F.relu6(x, inplace=True), torch.nn.functional.relu6),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_overwrites_the_input_and_still_differentiates(name: str) -> None:
    inplace_fn, torch_fn = INPLACE[name]
    data = np.linspace(-3, 3, 12).reshape(3, 4)
    leaf = ember.tensor(data, requires_grad=True)
    hidden = leaf * 2.0
    version = hidden._version
    out = inplace_fn(hidden)
    assert out is hidden and hidden._version > version
    out.sum().backward()
    t_leaf = torch.tensor(data, requires_grad=True)
    t_out = torch_fn(t_leaf * 2.0)
    t_out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(leaf.grad.numpy(), t_leaf.grad.numpy(), rtol=1e-12)


def test_inplace_without_grad_writes_into_the_same_array() -> None:
    x = ember.tensor([-1.0, 2.0], dtype=ember.float64)
    array = x.numpy()
    nn.ELU(inplace=True)(x)
    np.testing.assert_allclose(array, [np.expm1(-1.0), 2.0], rtol=1e-12)


def test_inplace_on_a_leaf_that_requires_grad_is_refused() -> None:
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        F.leaky_relu(x, inplace=True)


def test_exact_gelu_is_accurate_to_float64_across_the_range() -> None:
    """gelu(x) = x Phi(x) against math.erfc on a dense grid: both branches of the erf
    evaluation (series below |x| = 2 sqrt 2, continued fraction above), the far left tail
    (where 1 + erf would cancel), and Phi'(x) = phi(x) through the gradient."""
    import math

    x = np.concatenate([np.linspace(-37.0, 37.0, 20001), [0.0, 2.8284271, -2.8284271, np.inf, -np.inf]])
    phi = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    out = F.gelu(ember.tensor(x)).numpy()
    finite = np.isfinite(x)
    np.testing.assert_allclose(out[finite], x[finite] * phi[finite], rtol=1e-12, atol=1e-300)
    assert out[-2] == np.inf and np.isnan(out[-1])  # -inf * Phi(-inf) = -inf * 0, as in torch
    t = ember.tensor(x[finite], requires_grad=True)
    F.gelu(t).sum().backward()
    pdf = np.exp(-0.5 * x[finite] ** 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(t.grad.numpy(), phi[finite] + x[finite] * pdf, rtol=1e-12, atol=1e-300)


def test_gelu_rejects_unknown_approximation_like_torch() -> None:
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(ember.ones(2), approximate="sigmoid")


def test_hardtanh_refuses_an_empty_range() -> None:
    with pytest.raises(ValueError, match=r"max_val \(0\) must be greater than min_val \(1\)"):
        nn.Hardtanh(1, 0)


@pytest.mark.parametrize("ndim, dim", [(1, 0), (2, 1), (3, 0), (4, 1)])
def test_softmax_without_dim_warns_and_picks_torchs_dim(ndim: int, dim: int) -> None:
    data = np.random.default_rng(0).standard_normal((2,) * ndim)
    for fn, ember_fn in [(torch.nn.functional.softmax, F.softmax), (torch.nn.functional.log_softmax, F.log_softmax)]:
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            got = ember_fn(ember.tensor(data)).numpy()
        np.testing.assert_allclose(got, fn(torch.tensor(data), dim).numpy(), rtol=1e-12)
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        nn.Softmax()(ember.tensor(data))


def test_softmax_dtype_argument_casts_first() -> None:
    out = F.softmax(ember.tensor([1.0, 2.0]), 0, dtype=ember.float64)
    assert out.dtype is ember.float64
    np.testing.assert_allclose(out.numpy(), torch.softmax(torch.tensor([1.0, 2.0], dtype=torch.float64), 0).numpy(), rtol=1e-10)


def test_activation_modules_have_no_parameters_and_export_torchs_names() -> None:
    for name in ["ReLU", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Mish", "Softplus", "Sigmoid", "Tanh",
                 "Hardtanh", "ReLU6", "Softmax", "LogSoftmax"]:
        assert name in nn.__all__
        module = getattr(nn, name)() if name not in ("Softmax", "LogSoftmax") else getattr(nn, name)(0)
        assert list(module.parameters()) == [] and module.state_dict() == {}
    for name in ["relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish", "softplus", "sigmoid", "tanh",
                 "hardtanh", "relu6", "softmax", "log_softmax"]:
        assert callable(getattr(F, name))
