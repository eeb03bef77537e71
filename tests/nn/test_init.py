"""nn.init against torch: gains and fans exactly, distributions statistically (fixed seeds,
bounds and moments within a few standard errors), in place under no_grad, generator= honoured."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from ember.nn import init


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None), ("conv_transpose1d", None),
    ("conv_transpose2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("leaky_relu", math.sqrt(5)), ("selu", None),
])
def test_calculate_gain_equals_torch(nonlinearity: str, param) -> None:
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_errors_like_torch() -> None:
    for args in [("swish",), ("leaky_relu", "x"), ("leaky_relu", True)]:
        with pytest.raises(ValueError) as t_err:
            torch.nn.init.calculate_gain(*args)
        with pytest.raises(ValueError) as e_err:
            init.calculate_gain(*args)
        assert str(e_err.value) == str(t_err.value)


@pytest.mark.parametrize("shape", [(3, 5), (7, 2, 3), (4, 3, 2, 5), (2, 1, 1, 1, 6)])
def test_fans_equal_torch(shape: tuple[int, ...]) -> None:
    assert init._calculate_fan_in_and_fan_out(ember.empty(*shape)) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        assert init._calculate_correct_fan(ember.empty(*shape), mode) == torch.nn.init._calculate_correct_fan(torch.empty(*shape), mode)


def test_fan_errors() -> None:
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(ember.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_normal_(ember.empty(3, 3), mode="fan_avg")


def _assert_moments(values: np.ndarray, mean: float, std: float, sigmas: float = 5.0) -> None:
    """Sample mean and std within `sigmas` standard errors of the expected ones."""
    n = values.size
    assert abs(values.mean() - mean) < sigmas * std / math.sqrt(n), (values.mean(), mean)
    # the std of a sample std is about std / sqrt(2n) (normal) and never more than std / sqrt(n)
    assert abs(values.std() - std) < sigmas * std / math.sqrt(n), (values.std(), std)


SHAPE = (200, 100, 3)  # fan_in 300, fan_out 600, 60k samples
FAN_IN, FAN_OUT = 300, 600


def _draw(fn, *args, seed: int = 0, **kwargs) -> np.ndarray:
    ember.manual_seed(seed)
    w = ember.empty(*SHAPE)
    assert fn(w, *args, **kwargs) is w
    return w.numpy().astype(np.float64)


def test_uniform_and_normal() -> None:
    u = _draw(init.uniform_, -2.0, 4.0)
    assert u.min() >= -2.0 and u.max() <= 4.0 and u.min() < -1.99 and u.max() > 3.99
    _assert_moments(u, 1.0, 6 / math.sqrt(12))
    _assert_moments(_draw(init.uniform_), 0.5, 1 / math.sqrt(12))
    _assert_moments(_draw(init.normal_, 3.0, 0.5), 3.0, 0.5)
    _assert_moments(_draw(init.normal_), 0.0, 1.0)


@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_xavier(gain: float) -> None:
    std = gain * math.sqrt(2.0 / (FAN_IN + FAN_OUT))
    u = _draw(init.xavier_uniform_, gain)
    assert np.abs(u).max() <= math.sqrt(3) * std and np.abs(u).max() > 0.99 * math.sqrt(3) * std
    _assert_moments(u, 0.0, std)
    _assert_moments(_draw(init.xavier_normal_, gain), 0.0, std)


@pytest.mark.parametrize("a, mode, nonlinearity", [
    (0, "fan_in", "leaky_relu"), (0.2, "fan_out", "leaky_relu"), (0, "fan_in", "relu"), (0, "fan_out", "tanh"),
    (math.sqrt(5), "fan_in", "leaky_relu"), (0, "fan_in", "linear"),
])
def test_kaiming(a: float, mode: str, nonlinearity: str) -> None:
    fan = FAN_IN if mode == "fan_in" else FAN_OUT
    std = torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    u = _draw(init.kaiming_uniform_, a, mode, nonlinearity)
    bound = math.sqrt(3) * std
    assert np.abs(u).max() <= bound and np.abs(u).max() > 0.99 * bound
    _assert_moments(u, 0.0, std)
    _assert_moments(_draw(init.kaiming_normal_, a, mode, nonlinearity), 0.0, std)


def test_kaiming_on_an_empty_tensor_warns_and_does_nothing() -> None:
    for fn in (init.kaiming_uniform_, init.kaiming_normal_):
        with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
            assert fn(ember.empty(0, 3)).shape == (0, 3)


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04), (1.0, 2.0, 0.0, 5.0), (0.0, 1.0, 0.5, 0.7),
    (3.5, 1.0, -1.0, 1.0),  # the mean far outside [a, b]: exact by rejection (torch's inverse CDF warns here)
])
def test_trunc_normal_stays_in_bounds_with_the_truncated_moments(mean: float, std: float, a: float, b: float) -> None:
    values = _draw(init.trunc_normal_, mean, std, a, b)
    assert values.min() >= a and values.max() <= b
    # moments of N(mean, std^2) truncated to [a, b]
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    t_mean = mean + std * (pdf(alpha) - pdf(beta)) / z
    t_var = std**2 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - ((pdf(alpha) - pdf(beta)) / z) ** 2)
    _assert_moments(values, t_mean, math.sqrt(t_var))


def test_trunc_normal_refuses_an_interval_without_mass() -> None:
    with pytest.raises(ValueError, match="no probability mass"):
        init.trunc_normal_(ember.empty(3), mean=0.0, std=1.0, a=50.0, b=60.0)


def test_constant_ones_zeros_eye() -> None:
    w = ember.empty(3, 4)
    np.testing.assert_array_equal(init.constant_(w, 0.25).numpy(), np.full((3, 4), 0.25, np.float32))
    np.testing.assert_array_equal(init.ones_(w).numpy(), np.ones((3, 4), np.float32))
    np.testing.assert_array_equal(init.zeros_(w).numpy(), np.zeros((3, 4), np.float32))
    np.testing.assert_array_equal(init.eye_(w).numpy(), torch.nn.init.eye_(torch.empty(3, 4)).numpy())
    np.testing.assert_array_equal(init.eye_(ember.empty(4, 2)).numpy(), np.eye(4, 2, dtype=np.float32))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(ember.empty(2, 2, 2))


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (8, 2), (4, 2, 3)])
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal(shape: tuple[int, ...], gain: float) -> None:
    ember.manual_seed(0)
    w = init.orthogonal_(ember.empty(*shape, dtype=ember.float64), gain).numpy().reshape(shape[0], -1)
    rows, cols = w.shape
    gram = w @ w.T if rows <= cols else w.T @ w
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, cols)), atol=1e-12)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(ember.empty(3))


def test_orthogonal_is_uniform_over_signs() -> None:
    """R's diagonal fixes Q's column signs; without that the diagonal of Q is biased."""
    diag = []
    for seed in range(200):
        ember.manual_seed(seed)
        diag.append(np.diag(init.orthogonal_(ember.empty(3, 3, dtype=ember.float64)).numpy()))
    assert abs(np.mean(diag)) < 0.15


@pytest.mark.parametrize("fn, args", [
    (init.uniform_, ()), (init.normal_, ()), (init.trunc_normal_, ()), (init.xavier_uniform_, ()), (init.xavier_normal_, ()),
    (init.kaiming_uniform_, ()), (init.kaiming_normal_, ()), (init.orthogonal_, ()),
])
def test_generator_argument_gives_reproducible_draws_independent_of_the_global_seed(fn, args) -> None:
    draws = []
    for global_seed in (1, 2):
        ember.manual_seed(global_seed)
        w = ember.empty(6, 5)
        fn(w, *args, generator=ember.Generator().manual_seed(7))
        draws.append(w.numpy().copy())
    np.testing.assert_array_equal(draws[0], draws[1])
    ember.manual_seed(1)
    w = ember.empty(6, 5)
    fn(w, *args)
    assert not np.array_equal(w.numpy(), draws[0])


def test_initialisers_work_on_parameters_in_place_without_recording() -> None:
    layer = nn.Linear(4, 3)
    weight = layer.weight
    version = weight._version
    for fn in (init.xavier_uniform_, init.normal_, init.zeros_, init.orthogonal_, init.trunc_normal_, init.eye_):
        out = fn(layer.weight)
        assert out is weight and layer.weight is weight
        assert weight.requires_grad and weight.is_leaf and weight.grad_fn is None
    assert weight._version > version
    np.testing.assert_array_equal(weight.detach().numpy(), np.eye(3, 4, dtype=np.float32))
    layer(ember.ones(2, 4)).sum().backward()
    assert weight.grad is not None


def test_initialisers_keep_the_tensor_dtype() -> None:
    for dtype in (ember.float64, ember.float32, ember.float16):
        w = ember.empty(4, 4, dtype=dtype)
        for fn in (init.uniform_, init.normal_, init.kaiming_uniform_, init.orthogonal_, init.ones_):
            assert fn(w).dtype is dtype
