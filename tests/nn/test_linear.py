"""Linear, Bilinear, Identity, Flatten, Unflatten and F.linear / F.bilinear against torch: same
weights both ways, outputs and every gradient; default initialisation; errors; gradcheck."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck

from .conftest import compare_layer

DTYPES = ["float64", "float32"]
DIRECTIONS = ["torch->ember", "ember->torch"]

LAYERS = {
    "linear": (lambda m: m.Linear(5, 3), [(4, 5)]),
    "linear_no_bias": (lambda m: m.Linear(5, 3, bias=False), [(4, 5)]),
    "linear_3d_input": (lambda m: m.Linear(4, 6), [(2, 3, 4)]),
    "linear_4d_input": (lambda m: m.Linear(3, 2), [(2, 2, 3, 3)]),
    "linear_1d_input": (lambda m: m.Linear(4, 2), [(4,)]),
    "linear_1_to_1": (lambda m: m.Linear(1, 1), [(7, 1)]),
    "bilinear": (lambda m: m.Bilinear(3, 4, 5), [(6, 3), (6, 4)]),
    "bilinear_no_bias": (lambda m: m.Bilinear(2, 3, 4, bias=False), [(5, 2), (5, 3)]),
    "bilinear_3d_input": (lambda m: m.Bilinear(2, 3, 4), [(2, 5, 2), (2, 5, 3)]),
    "mlp": (lambda m: m.Sequential(m.Linear(4, 8), m.Tanh(), m.Linear(8, 8), m.ReLU(), m.Linear(8, 2)), [(16, 4)]),
    "flatten_then_linear": (lambda m: m.Sequential(m.Flatten(), m.Linear(12, 3)), [(5, 3, 2, 2)]),
    "unflatten": (lambda m: m.Sequential(m.Linear(6, 6), m.Unflatten(1, (2, 3)), m.Flatten(0)), [(4, 6)]),
    "flatten_middle": (lambda m: m.Sequential(m.Flatten(1, 2), m.Linear(6, 2)), [(3, 2, 3)]),
    "identity": (lambda m: m.Sequential(m.Identity(54, unused="x"), m.Linear(3, 3)), [(2, 3)]),
}


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_torch(name: str, dtype: str, direction: str) -> None:
    build, shapes = LAYERS[name]
    torch.manual_seed(1)
    ember.manual_seed(2)
    compare_layer(build(nn), build(torch.nn), shapes, dtype, direction)


@pytest.mark.parametrize("build", [lambda m: m.Linear(7, 3), lambda m: m.Linear(2, 9, bias=False), lambda m: m.Bilinear(2, 3, 4)])
def test_parameter_names_shapes_dtypes_and_repr_equal_torch(build) -> None:
    e, t = build(nn), build(torch.nn)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert all(p.dtype is ember.float32 and p.requires_grad and p.is_leaf for p in e.parameters())
    assert repr(e) == repr(t)


def test_dtype_argument() -> None:
    layer = nn.Linear(3, 2, dtype=ember.float64)
    assert layer.weight.dtype is ember.float64 and layer.bias.dtype is ember.float64
    assert layer(ember.ones(4, 3, dtype=ember.float64)).dtype is ember.float64
    assert nn.Bilinear(2, 2, 2, dtype=ember.float64).weight.dtype is ember.float64


@pytest.mark.parametrize("in_features, out_features", [(1, 1), (10, 3), (300, 40)])
def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in(in_features: int, out_features: int) -> None:
    """kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in)), as does the bias."""
    ember.manual_seed(0)
    bound = 1 / math.sqrt(in_features)
    samples = {"weight": [], "bias": []}
    for _ in range(max(1, 4000 // (in_features * out_features))):
        layer = nn.Linear(in_features, out_features)
        samples["weight"].append(layer.weight.detach().numpy().ravel())
        samples["bias"].append(layer.bias.detach().numpy())
    for name, chunks in samples.items():
        values = np.concatenate(chunks)
        assert np.abs(values).max() <= bound
        n = values.size
        # U(-b, b): mean 0, std b/sqrt(3); allow 5 standard errors
        assert abs(values.mean()) < 5 * bound / math.sqrt(3 * n)
        assert abs(values.std() - bound / math.sqrt(3)) < 5 * bound / math.sqrt(3 * n) + 0.02 * bound
        if n > 100:
            assert np.abs(values).max() > 0.9 * bound  # the whole range is used


def test_bilinear_default_init_uses_in1_features() -> None:
    ember.manual_seed(0)
    layer = nn.Bilinear(16, 100, 50)
    bound = 1 / math.sqrt(16)
    w = layer.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound


def test_init_is_reproducible_with_manual_seed_and_differs_without() -> None:
    ember.manual_seed(5)
    a = nn.Linear(4, 4).weight.detach().numpy().copy()
    b = nn.Linear(4, 4).weight.detach().numpy().copy()
    ember.manual_seed(5)
    c = nn.Linear(4, 4).weight.detach().numpy()
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)


def test_zero_in_features_gives_empty_weight_and_zero_bias_bound() -> None:
    with pytest.warns(UserWarning, match="zero-element"):
        layer = nn.Linear(0, 3)
    assert layer.weight.shape == (3, 0)
    np.testing.assert_array_equal(layer.bias.detach().numpy(), np.zeros(3, np.float32))
    np.testing.assert_array_equal(layer(ember.ones(2, 0)).numpy(force=True), np.broadcast_to(layer.bias.detach().numpy(), (2, 3)))


def _f64(*shape: int, seed: int = 0) -> ember.Tensor:
    return ember.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("x_shape", [(3, 4), (2, 3, 4), (4,)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_gradcheck_and_gradgradcheck(x_shape: tuple[int, ...], with_bias: bool) -> None:
    args = (_f64(*x_shape), _f64(5, 4, seed=1)) + ((_f64(5, seed=2),) if with_bias else ())
    assert gradcheck(F.linear, args)
    assert gradgradcheck(F.linear, args)


@pytest.mark.parametrize("bias_shape", [(), (1,)])
def test_linear_with_a_broadcast_bias_gradcheck(bias_shape: tuple[int, ...]) -> None:
    args = (_f64(3, 4), _f64(5, 4, seed=1), _f64(*bias_shape, seed=2))
    assert gradcheck(F.linear, args)
    assert gradgradcheck(F.linear, args)


def test_bilinear_gradcheck_and_gradgradcheck() -> None:
    args = (_f64(3, 2), _f64(3, 4, seed=1), _f64(5, 2, 4, seed=2), _f64(5, seed=3))
    assert gradcheck(F.bilinear, args)
    assert gradgradcheck(F.bilinear, args)


def test_linear_is_torchs_addmm_node_and_skips_unneeded_gradients() -> None:
    x = ember.ones(2, 3)
    w = ember.ones(4, 3, requires_grad=True)
    out = F.linear(x, w, ember.ones(4))
    assert type(out.grad_fn).__name__ == "AddmmBackward0"
    bias_edge, x_edge, (transpose, _) = out.grad_fn.next_functions
    assert bias_edge == (None, 0) and x_edge == (None, 0) and transpose.name() == "TBackward0"
    assert [n for n, _ in transpose.next_functions] == [w._accumulator()]
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full((4, 3), 2.0, np.float32))
    assert x.grad is None


def test_functional_linear_with_1d_weight_and_scalar_bias() -> None:
    x, w = np.ones((3, 4)), np.arange(4.0)
    got = F.linear(ember.tensor(x), ember.tensor(w)).numpy()
    np.testing.assert_allclose(got, torch.nn.functional.linear(torch.tensor(x), torch.tensor(w)).numpy(), rtol=1e-12)
    w2 = np.arange(8.0).reshape(2, 4)
    got = F.linear(ember.tensor(x), ember.tensor(w2), ember.tensor(0.5, dtype=ember.float64)).numpy()
    np.testing.assert_allclose(got, torch.nn.functional.linear(torch.tensor(x), torch.tensor(w2), torch.tensor(0.5, dtype=torch.float64)).numpy(), rtol=1e-12)


def test_linear_errors_name_the_shapes_and_dtypes() -> None:
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\)"):
        layer(ember.ones(4, 5))
    with pytest.raises(RuntimeError, match="float32 and float64"):
        layer(ember.ones(4, 3, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="bias of shape \\[3\\]"):
        F.linear(ember.ones(3, 4), ember.ones(2, 4), ember.ones(3))
    with pytest.raises(RuntimeError, match=r"\(6x4 and 5x2\)"):
        F.linear(ember.ones(2, 3, 4), ember.ones(2, 5))
    with pytest.raises(RuntimeError, match="bilinear"):
        nn.Bilinear(2, 3, 4)(ember.ones(5, 2), ember.ones(4, 3))
    with pytest.raises(RuntimeError, match="bilinear"):
        nn.Bilinear(2, 3, 4)(ember.ones(5, 3), ember.ones(5, 2))


def test_unflatten_and_flatten_repr_and_argument_checks() -> None:
    for e, t in [(nn.Flatten(), torch.nn.Flatten()), (nn.Flatten(0, 2), torch.nn.Flatten(0, 2)),
                 (nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3))), (nn.Unflatten(-1, [2, -1]), torch.nn.Unflatten(-1, [2, -1])),
                 (nn.Identity(), torch.nn.Identity())]:
        assert repr(e) == repr(t)
    assert nn.Unflatten(-1, [2, -1])(ember.ones(3, 8)).shape == (3, 2, 4)
    with pytest.raises(TypeError):
        nn.Unflatten(1, 6)
    with pytest.raises(TypeError):
        nn.Unflatten(1, (2.0, 3))


def test_identity_returns_its_input_unchanged() -> None:
    x = ember.ones(2, requires_grad=True)
    assert nn.Identity()(x) is x


def test_torch_float32_weights_load_into_a_float64_ember_layer_by_cast() -> None:
    t = torch.nn.Linear(3, 2)
    e = nn.Linear(3, 2).double()
    e.load_state_dict(t.state_dict())
    assert e.weight.dtype is ember.float64
    np.testing.assert_array_equal(e.weight.detach().numpy(), t.weight.detach().double().numpy())
