"""Dropout, Dropout1d/2d/3d and F.dropout*: ember draws its masks from its own generator, not
torch's stream, so these tests check the statistics of the masks, the exact relation between
output, mask and gradient, the p = 0 / p = 1 / eval cases exactly against torch, channel-wise
masks, reproducibility with ember.manual_seed, in-place use, reprs and errors."""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F


def _x(*shape: int, dtype: str = "float32", seed: int = 0) -> np.ndarray:
    """Values bounded away from 0, so a zero in the output can only come from the mask."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)).astype(dtype)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_elements_are_dropped_with_probability_p_and_the_rest_scaled(p: float, dtype: str) -> None:
    ember.manual_seed(1)
    n = 200_000
    x = _x(n, dtype=dtype)
    y = F.dropout(ember.tensor(x), p).numpy()
    assert y.dtype == np.dtype(dtype)
    dropped = y == 0
    # the dropped count is binomial(n, p): allow 5 standard deviations
    assert abs(dropped.mean() - p) < 5 * math.sqrt(p * (1 - p) / n)
    kept = ~dropped
    np.testing.assert_array_equal(y[kept], x[kept] * np.asarray(1 / (1 - p), dtype))


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_gradient_is_the_mask(p: float) -> None:
    """dy/dx = m = bernoulli(1 - p) / (1 - p): the gradient is upstream * 1/(1-p) exactly where
    the output kept x, and exactly 0 where it dropped it."""
    ember.manual_seed(2)
    x = ember.tensor(_x(50, 40, dtype="float64"), requires_grad=True)
    upstream = np.random.default_rng(3).standard_normal((50, 40))
    y = F.dropout(x, p)
    assert y.grad_fn.name() == "MulBackward0"
    (y * ember.tensor(upstream)).sum().backward()
    kept = y.detach().numpy() != 0
    np.testing.assert_array_equal(x.grad.numpy(), np.where(kept, upstream * (1 / (1 - p)), 0.0))
    np.testing.assert_array_equal(y.detach().numpy(), np.where(kept, x.detach().numpy() * (1 / (1 - p)), 0.0))


@pytest.mark.parametrize("fn", ["dropout", "dropout1d", "dropout2d", "dropout3d"])
def test_p_zero_and_eval_return_the_input_itself_as_torch(fn: str) -> None:
    shapes = {"dropout": (3, 4), "dropout1d": (2, 3, 4), "dropout2d": (2, 3, 2, 2), "dropout3d": (2, 3, 2, 2, 2)}
    for lib in (ember, torch):
        x = lib.randn(*shapes[fn], requires_grad=True)
        f = getattr(lib.nn.functional, fn)
        assert f(x, 0.0) is x
        assert f(x, 0.5, training=False) is x
        assert f(x, 1.0, training=False) is x


@pytest.mark.parametrize("fn", ["dropout", "dropout2d"])
def test_p_one_gives_zeros_and_zero_gradient_exactly_as_torch(fn: str) -> None:
    data = np.array([[[[1.5, -2.0], [np.inf, np.nan]]]], dtype=np.float32)
    results = []
    for lib in (ember, torch):
        x = lib.tensor(data, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # inf * 0
            y = getattr(lib.nn.functional, fn)(x, 1.0)
            y.sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    assert results[0][2] == results[1][2] == "MulBackward0"


@pytest.mark.parametrize("p", [0.3, 0.7])
def test_dropout2d_drops_whole_channels(p: float) -> None:
    ember.manual_seed(4)
    n, c = 400, 50
    x = _x(n, c, 3, 4)
    y = F.dropout2d(ember.tensor(x), p).numpy()
    plane_zero = (y == 0).reshape(n, c, -1)
    assert np.all(plane_zero.all(-1) | ~plane_zero.any(-1)), "a channel was partly dropped"
    dropped = plane_zero.all(-1)
    assert abs(dropped.mean() - p) < 5 * math.sqrt(p * (1 - p) / (n * c))
    np.testing.assert_array_equal(y[~dropped], x[~dropped] * np.float32(1 / (1 - p)))


def test_channel_dropout_mask_shapes_follow_torch() -> None:
    """dropout1d on (C, L) and dropout3d on (C, D, H, W) are unbatched (one mask per channel);
    dropout2d reads a 3-D input as (N, C, L), with torch's warning."""
    ember.manual_seed(5)
    y = F.dropout1d(ember.ones(300, 6), 0.5).numpy()
    assert np.all((y == 0).all(1) | (y != 0).all(1)) and 0 < (y == 0).all(1).sum() < 300
    y = F.dropout3d(ember.ones(300, 2, 2, 2), 0.5).numpy().reshape(300, -1)
    assert np.all((y == 0).all(1) | (y != 0).all(1)) and 0 < (y == 0).all(1).sum() < 300
    y = F.dropout1d(ember.ones(20, 30, 6), 0.5).numpy()
    assert np.all((y == 0).all(2) | (y != 0).all(2))
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        y = F.dropout2d(ember.ones(20, 30, 6), 0.5).numpy()
    assert np.all((y == 0).all(2) | (y != 0).all(2))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        F.dropout2d(ember.ones(20, 30), 0.5)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.dropout2d(ember.ones(20), 0.5)


def test_masks_are_reproducible_with_manual_seed_and_a_generator() -> None:
    x = ember.ones(1000)
    ember.manual_seed(7)
    a, b = F.dropout(x, 0.5).numpy().copy(), F.dropout(x, 0.5).numpy().copy()
    ember.manual_seed(7)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), a)
    assert not np.array_equal(a, b)
    g = ember.Generator().manual_seed(7)
    np.testing.assert_array_equal(F.dropout(x, 0.5, generator=g).numpy(), a)
    layer = nn.Dropout(0.5)
    ember.manual_seed(7)
    np.testing.assert_array_equal(layer(x).numpy(), a)


def test_module_follows_train_and_eval_mode() -> None:
    ember.manual_seed(8)
    layer = nn.Sequential(nn.Linear(4, 64), nn.Dropout(0.5))
    x = ember.randn(8, 4)
    assert (layer(x).detach().numpy() == 0).mean() > 0.3
    layer.eval()
    out = layer(x).detach().numpy()
    assert not (out == 0).any()
    np.testing.assert_array_equal(out, layer[0](x).detach().numpy())


def test_inplace_writes_into_the_input_and_differentiates() -> None:
    ember.manual_seed(9)
    x = ember.tensor(_x(30, 20), requires_grad=True)
    h = x * 1.0
    y = nn.Dropout(0.4, inplace=True)(h)
    assert y is h
    y.sum().backward()
    kept = y.detach().numpy() != 0
    np.testing.assert_array_equal(x.grad.numpy(), np.where(kept, np.float32(1 / 0.6), 0.0).astype(np.float32))
    for lib in (ember, torch):
        leaf = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            lib.nn.functional.dropout(leaf, 0.5, inplace=True)


@pytest.mark.parametrize(
    "build",
    [lambda m: m.Dropout(), lambda m: m.Dropout(0.2, inplace=True), lambda m: m.Dropout1d(0.1),
     lambda m: m.Dropout2d(0.3), lambda m: m.Dropout3d(1.0), lambda m: m.Dropout(0)],
)
def test_repr_state_dict_and_attributes_equal_torch(build: Callable[[Any], Any]) -> None:
    e, t = build(nn), build(torch.nn)
    assert repr(e) == repr(t)
    assert e.p == t.p and e.inplace == t.inplace
    assert list(e.state_dict()) == list(t.state_dict()) == []


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_outside_zero_one_is_refused_as_torch(p: float) -> None:
    message = f"dropout probability has to be between 0 and 1, but got {p}"
    for lib in (ember, torch):
        with pytest.raises(ValueError, match=message):
            lib.nn.Dropout(p)
        with pytest.raises(ValueError, match=message):
            lib.nn.Dropout2d(p)
        for fn in ("dropout", "dropout1d", "dropout2d", "dropout3d"):
            with pytest.raises(ValueError, match=message):
                getattr(lib.nn.functional, fn)(lib.ones(2, 2, 2), p)


def test_dropout1d_refuses_other_ranks_as_torch() -> None:
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 4D input"):
            lib.nn.functional.dropout1d(lib.ones(2, 2, 2, 2), 0.5)


def test_integer_input_is_refused_in_training_and_passes_in_eval_as_torch() -> None:
    for lib in (ember, torch):
        x = lib.ones(3, dtype=lib.int64)
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type"):
            lib.nn.functional.dropout(x, 0.5)
        assert lib.nn.functional.dropout(x, 0.5, training=False) is x


def test_empty_input_passes_through() -> None:
    x = ember.ones(0, 3)
    assert F.dropout(x, 0.5) is x
