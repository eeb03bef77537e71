"""linalg.vector_norm (and torch.norm) for a p other than 0, 1, 2, ±inf, against torch: float64
values bit for bit (torch's summation order and libm's pow, `ops.pnorm`), gradients to the
contract, torch's zero handling, the size-1 shortcut, float32, gradcheck and gradgradcheck."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from ember.autograd import gradcheck, gradgradcheck
from tolerances import EXACT, TOLERANCES

ORDS = [3.0, 0.5, 1.5, -1.0, 4.0, 2.5, 1 / 3]
CASES = [((5,), None), ((37,), None), ((4, 9), None), ((4, 9), 0), ((4, 9), (1,)), ((3, 5, 7), (2, 0)),
         ((300, 50), None), ((2, 3, 4), (0, 1, 2)), ((6, 1, 3), (-1, 1))]
RNG = np.random.default_rng(0)
DATA = [(RNG.standard_normal(shape), dim) for shape, dim in CASES]


def _norms(a: np.ndarray, p: float, dim: Any, keepdim: bool = False) -> tuple:
    """torch's and ember's (norm, gradient of the norms weighted 0.5 to 1.5) of array `a`."""
    t, e = torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)
    tn, en = torch.linalg.vector_norm(t, p, dim, keepdim), ember.linalg.vector_norm(e, p, dim, keepdim)
    w = np.linspace(0.5, 1.5, tn.numel()).reshape(tuple(tn.shape))
    (tn * torch.tensor(w, dtype=tn.dtype)).sum().backward()
    (en * ember.tensor(w, dtype=en.dtype)).sum().backward()
    return (tn.detach().numpy(), t.grad.numpy()), (en.detach().numpy(), e.grad.numpy())


@pytest.mark.parametrize("p", ORDS)
def test_float64_values_are_torchs_bit_for_bit_and_gradients_match(p: float) -> None:
    rtol, atol = TOLERANCES[EXACT]["float64"]
    for a, dim in DATA:
        (tn, tg), (en, eg) = _norms(a, p, dim)
        assert en.dtype == tn.dtype and en.shape == tn.shape
        np.testing.assert_array_equal(en, tn, err_msg=f"p={p} shape {a.shape} dim {dim}")
        np.testing.assert_allclose(eg, tg, rtol, atol, err_msg=f"p={p} shape {a.shape} dim {dim}")


def test_the_data_tells_numpys_power_and_pairwise_sum_from_torchs() -> None:
    """The bit-for-bit test can fail: NumPy's own `(|a|**p).sum() ** (1/p)` misses torch's value
    on some of the same inputs."""
    misses = sum(
        np.sum((np.abs(a) ** p).sum(axis=dim) ** (1 / p) != torch.linalg.vector_norm(torch.tensor(a), p, dim).numpy())
        for p in ORDS for a, dim in DATA)
    assert misses > 0


@settings(max_examples=40)
@given(a=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=6),
                    elements=st.floats(-3, 3, allow_subnormal=False)),
       p=st.sampled_from(ORDS), keepdim=st.booleans(), data=st.data())
def test_any_shape_and_dims(a: np.ndarray, p: float, keepdim: bool, data: Any) -> None:
    dims = data.draw(st.none() | st.lists(st.integers(0, a.ndim - 1), min_size=1, unique=True).map(tuple))
    (tn, tg), (en, eg) = _norms(a, p, dims, keepdim)
    assert en.shape == tn.shape
    np.testing.assert_array_equal(en, tn)
    np.testing.assert_allclose(eg, tg, *TOLERANCES[EXACT]["float64"])


@pytest.mark.parametrize("p", ORDS)
def test_zero_entries_and_zero_vectors_get_torchs_gradient(p: float) -> None:
    a = np.array([[0.0, 2.0, -1.0], [0.0, 0.0, 0.0], [-0.5, 0.0, 3.0]])
    (tn, tg), (en, eg) = _norms(a, p, 1)
    np.testing.assert_array_equal(en, tn)
    assert not np.isnan(eg).any()
    np.testing.assert_allclose(eg, tg, *TOLERANCES[EXACT]["float64"])
    np.testing.assert_array_equal(np.signbit(eg), np.signbit(tg))


@pytest.mark.parametrize("p", ORDS)
def test_a_reduction_over_size_one_dims_is_the_absolute_value(p: float) -> None:
    a = np.array([[0.123456789], [-2.718281828], [1e-200]])
    for dim, keepdim in ((1, False), (1, True), ((1,), True)):
        (tn, _), (en, _) = _norms(a, p, dim, keepdim)
        np.testing.assert_array_equal(en, tn)
        np.testing.assert_array_equal(en.reshape(-1), np.abs(a).reshape(-1))
    (tn, _), (en, _) = _norms(np.array(-0.123456789), p, None)
    np.testing.assert_array_equal(en, tn)


@pytest.mark.parametrize("p", ORDS)
def test_float32(p: float) -> None:
    rtol, atol = TOLERANCES[EXACT]["float32"]
    for a, dim in DATA:
        (tn, tg), (en, eg) = _norms(a.astype(np.float32), p, dim)
        assert en.dtype == tn.dtype == np.float32
        np.testing.assert_allclose(en, tn, rtol, atol)
        np.testing.assert_allclose(eg, tg, rtol, atol)


@pytest.mark.parametrize("p", ORDS)
def test_torch_norm_takes_the_same_path(p: float) -> None:
    a, dim = DATA[3]
    np.testing.assert_array_equal(ember.norm(ember.tensor(a), p, dim).numpy(), torch.norm(torch.tensor(a), p, dim).numpy())


@pytest.mark.parametrize("p", ORDS)
def test_gradcheck_and_gradgradcheck(p: float) -> None:
    x = ember.tensor(RNG.uniform(0.5, 2.0, (3, 4)) * RNG.choice([-1.0, 1.0], (3, 4)), requires_grad=True)
    assert gradcheck(lambda t: ember.linalg.vector_norm(t, p, 1), (x,))
    assert gradgradcheck(lambda t: ember.linalg.vector_norm(t, p, 1), (x,))


@pytest.mark.parametrize("p", [-1.5, -1, math.inf, -math.inf, 3.0, 0.5])
@pytest.mark.parametrize(("shape", "dim"), [((0,), None), ((0, 3), None), ((0, 3), 0), ((0, 3), (0, 1)), ((3, 0), (0,)),
                                            ((0, 3), 1), ((0, 3), -2), ((2, 0, 3), (0, 2))])
def test_empty_inputs_and_dims_as_torch(p: float, shape: tuple, dim: Any) -> None:
    """A norm without an identity (p < 0, ±inf) over nothing raises torch's error; else the
    result is torch's (0 for p > 0, empty where no dimension is reduced to nothing)."""
    for t_fn, e_fn in ((torch.linalg.vector_norm, ember.linalg.vector_norm), (torch.norm, ember.norm)):
        try:
            expected = t_fn(torch.zeros(shape, dtype=torch.float64), p, dim)
        except RuntimeError as error:
            with pytest.raises(RuntimeError) as raised:
                e_fn(ember.zeros(shape, dtype=ember.float64), p, dim)
            assert str(raised.value) == str(error)
            continue
        got = e_fn(ember.zeros(shape, dtype=ember.float64), p, dim)
        assert tuple(got.shape) == tuple(expected.shape)
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
