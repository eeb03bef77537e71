"""What the OpInfo samples leave out: gradcheck and gradgradcheck of every new rule, the
in-place and operator forms, torch's shift rule, median's gradient on ties, the aliases."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _leaf(low: float, high: float, *shape: int) -> ember.Tensor:
    return ember.tensor(RNG.uniform(low, high, shape), requires_grad=True)


UNARY: list[tuple[str, Callable[[Any], Any], float, float]] = [
    ("asin", ember.asin, -0.9, 0.9), ("acos", ember.acos, -0.9, 0.9), ("atan", ember.atan, -3, 3),
    ("sinh", ember.sinh, -3, 3), ("cosh", ember.cosh, -3, 3), ("asinh", ember.asinh, -3, 3),
    ("acosh", ember.acosh, 1.2, 4), ("atanh", ember.atanh, -0.9, 0.9), ("sinc", ember.sinc, -3, 3),
    ("logit", ember.logit, 0.1, 0.9), ("logit_eps", lambda x: ember.logit(x, 0.3), 0.05, 0.95),
    ("lgamma", ember.lgamma, 0.2, 5), ("digamma", ember.digamma, 0.2, 5),
    ("polygamma3", lambda x: ember.polygamma(3, x), 0.2, 5), ("erfc", ember.erfc, -3, 3), ("erfcx", ember.special.erfcx, -1, 5),
    ("erfinv", ember.erfinv, -0.9, 0.9), ("i0", ember.i0, -5, 5), ("i0e", ember.special.i0e, -5, 5),
    ("i1", ember.special.i1, -5, 5), ("i1e", ember.special.i1e, -5, 5),
    ("mvlgamma", lambda x: ember.mvlgamma(x, 3), 1.5, 5), ("nan_to_num", ember.nan_to_num, -3, 3),
    ("logcumsumexp", lambda x: ember.logcumsumexp(x, 0), -3, 3), ("median", lambda x: ember.median(x, 0).values, -3, 3),
    ("quantile", lambda x: ember.quantile(x, 0.3), -3, 3), ("cummax", lambda x: ember.cummax(x, 0).values, -3, 3),
]
BINARY: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("atan2", ember.atan2), ("hypot", ember.hypot), ("copysign", ember.copysign), ("logaddexp", ember.logaddexp),
    ("logaddexp2", ember.logaddexp2), ("fmod", ember.fmod), ("xlogy", lambda a, b: ember.xlogy(a, b.abs() + 0.5)),
    ("lerp", lambda a, b: ember.lerp(a, b, 0.3)),
]


@pytest.mark.parametrize("name, fn, low, high", UNARY, ids=[u[0] for u in UNARY])
def test_unary_rules_pass_gradcheck_and_gradgradcheck(name: str, fn: Callable, low: float, high: float) -> None:
    x = _leaf(low, high, 5)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name, fn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_rules_pass_gradcheck_with_broadcasting(name: str, fn: Callable) -> None:
    a, b = _leaf(0.5, 3, 3, 4), _leaf(-3, -0.5, 4)
    assert gradcheck(fn, (a, b))
    assert gradgradcheck(fn, (a, b))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
@pytest.mark.parametrize("shift", [0, 1, 7, 8, 31, 32, 63, 64, 100, -1, -70])
def test_shifts_follow_torch_for_negative_and_oversized_amounts(dtype: str, shift: int) -> None:
    values = [3, 7, 0, 100, 127] if dtype == "uint8" else [3, -7, 0, 100, -128]
    e, t = ember.tensor(values).to(getattr(ember, dtype)), torch.tensor(values).to(getattr(torch, dtype))
    assert (e << shift).tolist() == (t << shift).tolist()
    assert (e >> shift).tolist() == (t >> shift).tolist()
    amounts = [shift] * len(values)
    assert ember.bitwise_right_shift(e, ember.tensor(amounts)).tolist() == torch.bitwise_right_shift(t, torch.tensor(amounts)).tolist()


def test_shifts_refuse_floats() -> None:
    with pytest.raises(NotImplementedError, match="lshift_cpu"):
        ember.tensor([1.0]) << 1


@pytest.mark.parametrize("method, args", [
    ("asin_", ()), ("atan2_", (ember.tensor([0.5, -1.0]),)), ("lgamma_", ()), ("xlogy_", (2.0,)),
    ("clamp_min_", (0.2,)), ("logit_", (0.1,)), ("nan_to_num_", ()), ("polygamma_", (1,)), ("sgn_", ()),
    ("frac_", ()), ("exp2_", ()), ("lerp_", (ember.tensor([1.0, 2.0], dtype=ember.float64), 0.25)), ("hypot_", (ember.tensor(2.0),)),
])
def test_inplace_forms_write_what_the_op_returns(method: str, args: tuple) -> None:
    values = [0.3, 0.6]
    x = ember.tensor(values, dtype=ember.float64)
    expected = getattr(ember.tensor(values, dtype=ember.float64), method[:-1])(*args)
    assert getattr(x, method)(*args) is x
    assert x.dtype == expected.dtype
    np.testing.assert_array_equal(x.numpy(), expected.numpy())
    tx = torch.tensor(values, dtype=torch.float64)
    targs = [torch.tensor(a.numpy()) if isinstance(a, ember.Tensor) else a for a in args]
    np.testing.assert_allclose(x.numpy(), getattr(tx, method)(*targs).numpy(), rtol=1e-10)


def test_inplace_float_op_on_an_integer_tensor_is_refused_as_torch() -> None:
    with pytest.raises(RuntimeError, match="can't be cast"):
        ember.tensor([1, 2]).asin_()


def test_integer_inputs_give_the_default_float_dtype() -> None:
    for fn in (ember.asin, ember.lgamma, ember.erfinv, ember.sinc, ember.exp2, ember.deg2rad, ember.i0):
        assert fn(ember.tensor([0, 1])).dtype == ember.float32
    assert ember.atan2(ember.tensor([1]), ember.tensor([2])).dtype == ember.float32
    assert ember.fmod(ember.tensor([7]), 3).dtype == ember.int64
    assert ember.square(ember.tensor([True])).dtype == ember.int64


def test_median_of_all_spreads_its_gradient_over_ties_as_torch() -> None:
    values = [1.0, 2.0, 2.0, 3.0, 2.0]
    x, t = ember.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    ember.median(x).backward()
    torch.median(t).backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_median_along_a_dim_sends_the_gradient_to_the_index_it_returns() -> None:
    values = [[1.0, 3.0, 3.0, 1.0, 2.0, 2.0], [5.0, 5.0, 5.0, 0.0, 0.0, 7.0]]
    x, t = ember.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    e_out, t_out = ember.median(x, 1), torch.median(t, 1)
    assert e_out.indices.tolist() == t_out.indices.tolist()
    e_out.values.sum().backward()
    t_out.values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_aliases_are_the_same_functions() -> None:
    assert ember.arcsin is ember.asin and ember.arctan2 is ember.atan2 and ember.fix is ember.trunc
    assert ember.special.psi is ember.digamma and ember.special.gammaln is ember.lgamma
    assert ember.special.expit is ember.sigmoid
    x = ember.tensor([0.5])
    assert x.arccosh is not None and x.arcsinh().item() == x.asinh().item()
