"""ember.masked against torch.masked: values, dtypes and gradients (also at masked-out elements,
where both give 0) for drawn shapes, masks (broadcast from fewer dims) and dims; gradcheck and
gradgradcheck; integer inputs; and torch's exceptions for bad dims, masks and dtypes."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import ember
from tolerances import EXACT, REDUCTION, TOLERANCES, TRANSCENDENTAL

# name -> (extra positional args before dim, whether dim is a single int, kind, differentiable)
REDUCTIONS = {
    "sum": ((), False, REDUCTION), "prod": ((), False, REDUCTION), "amax": ((), False, EXACT),
    "amin": ((), False, EXACT), "mean": ((), False, REDUCTION), "norm": ((2.0,), False, REDUCTION),
    "var": ((), False, REDUCTION), "std": ((), False, REDUCTION), "logsumexp": ((), False, TRANSCENDENTAL),
    "median": ((), True, EXACT), "cumsum": ((), True, REDUCTION), "cumprod": ((), True, REDUCTION),
    "softmax": ((), True, TRANSCENDENTAL), "log_softmax": ((), True, TRANSCENDENTAL),
    "softmin": ((), True, TRANSCENDENTAL), "normalize": ((2.0,), True, REDUCTION),
}


def _call(lib: Any, name: str, x: Any, dim: Any, mask: Any) -> Any:
    extra, _, _ = REDUCTIONS[name]
    return getattr(lib.masked, name)(x, *extra, dim, mask=mask)


def _ember(t: torch.Tensor, grad: bool = False) -> Any:
    return ember.tensor(t.detach().numpy().copy(), requires_grad=grad)


def _assert_close(expected: torch.Tensor, actual: Any, kind: str) -> None:
    rtol, atol = TOLERANCES[kind][str(expected.dtype).removeprefix("torch.")] if expected.is_floating_point() else (0, 0)
    assert str(actual.dtype).removeprefix("ember.") == str(expected.dtype).removeprefix("torch.")
    assert tuple(actual.shape) == tuple(expected.shape)
    np.testing.assert_allclose(actual.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)


@st.composite
def _problems(draw: Callable) -> tuple:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    mask_ndim = draw(st.integers(0, len(shape)))
    mask_shape = tuple(draw(st.sampled_from([1, n])) for n in shape[len(shape) - mask_ndim:])
    seed = draw(st.integers(0, 2**16))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    dims = draw(st.sampled_from([None, dim, (dim,), tuple(range(len(shape)))]))
    return shape, mask_shape, seed, dim, dims


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(problem=_problems())
def test_values_and_gradients_match_torch(name: str, dtype: torch.dtype, problem: tuple) -> None:
    shape, mask_shape, seed, dim, dims = problem
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, dtype=dtype, generator=generator).requires_grad_(True)
    mask = torch.rand(mask_shape, generator=generator) < 0.7
    kind = REDUCTIONS[name][2]
    reduce_dim = dim if REDUCTIONS[name][1] else dims
    expected = _call(torch, name, x, reduce_dim, mask)
    ex = _ember(x, grad=True)
    actual = _call(ember, name, ex, reduce_dim, _ember(mask))
    _assert_close(expected, actual, kind)
    if dtype is torch.float64:
        finite = torch.isfinite(expected)
        cotangent = torch.randn(expected.shape, dtype=dtype, generator=generator) * finite
        (grad,) = torch.autograd.grad(expected, x, cotangent, allow_unused=True)
        (ember_grad,) = ember.autograd.grad(actual, ex, _ember(cotangent), allow_unused=True)
        grad = torch.zeros_like(x) if grad is None else grad
        _assert_close(grad.nan_to_num(), ember.zeros_like(ex) if ember_grad is None else ember_grad.nan_to_num(), kind)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_gradient_is_zero_at_masked_out_elements(name: str) -> None:
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    mask = ember.tensor([[True, False, True, True], [False, True, True, False], [True, True, False, True]])
    out = _call(ember, name, x, 1, mask)
    out.backward(ember.randn(out.shape, dtype=ember.float64))
    assert (x.grad[~mask] == 0).all()
    assert (x.grad[mask] != 0).any()


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_gradcheck_and_gradgradcheck(name: str) -> None:
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    mask = ember.tensor([[True, False, True, True], [False, True, True, False], [True, True, False, True]])

    def fn(t: Any) -> Any:  # log_softmax is -inf at masked-out elements: no finite difference there
        return _call(ember, name, t, 1, mask).nan_to_num(0.0, 0.0, 0.0)

    assert ember.autograd.gradcheck(fn, (x,))
    assert ember.autograd.gradgradcheck(fn, (x,))


def test_logaddexp_masks_each_side() -> None:
    x, y = torch.randn(2, 3, 4, dtype=torch.float64).unbind(0)
    x.requires_grad_(True)
    xm, ym = torch.rand(3, 4) < 0.6, torch.rand(4) < 0.6
    expected = torch.masked.logaddexp(x, y, input_mask=xm, other_mask=ym)
    ex = _ember(x, grad=True)
    actual = ember.masked.logaddexp(ex, _ember(y), input_mask=_ember(xm), other_mask=_ember(ym))
    _assert_close(expected, actual, TRANSCENDENTAL)
    cotangent = torch.randn(3, 4, dtype=torch.float64) * torch.isfinite(expected)
    (grad,) = torch.autograd.grad(expected, x, cotangent)
    (ember_grad,) = ember.autograd.grad(actual, ex, _ember(cotangent))
    _assert_close(grad.nan_to_num(), ember_grad.nan_to_num(), TRANSCENDENTAL)


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64, torch.uint8, torch.bool])
@pytest.mark.parametrize("name", ["sum", "prod", "amax", "amin", "argmax", "argmin", "median"])
def test_integer_inputs_take_torch_dtypes(name: str, dtype: torch.dtype) -> None:
    """Integer sums and products are int64; amax/amin/argmax/argmin keep the input's dtype
    (argmax's indices too, as torch's masked argmax does); a fully masked-out row gets the
    dtype's extreme value as identity."""
    if dtype is torch.bool and name != "sum" and name != "prod":
        return
    x = torch.randint(0, 5, (3, 4)).to(dtype)
    mask = torch.tensor([[True, False, True, True], [False, False, False, False], [True, True, False, True]])
    if name == "median":
        mask[1, 0] = True
    expected = getattr(torch.masked, name)(x, 1, mask=mask)
    actual = getattr(ember.masked, name)(_ember(x), 1, mask=_ember(mask))
    _assert_close(expected, actual, EXACT)


@pytest.mark.parametrize("kwargs", [{"unbiased": False}, {"correction": 0}, {"correction": 2}, {"keepdim": True}])
def test_var_options(kwargs: dict) -> None:
    x = torch.randn(3, 5, dtype=torch.float64)
    mask = torch.rand(3, 5) < 0.7
    expected = torch.masked.var(x, 1, mask=mask, **kwargs)
    _assert_close(expected, ember.masked.var(_ember(x), 1, mask=_ember(mask), **kwargs), REDUCTION)


def test_without_mask_every_element_counts() -> None:
    x = torch.randn(3, 5, dtype=torch.float64)
    for name in ("sum", "mean", "std", "amax", "logsumexp"):
        _assert_close(getattr(torch.masked, name)(x, 1), getattr(ember.masked, name)(_ember(x), 1), REDUCTION)


ERRORS = [
    (lambda lib, x, m: lib.masked.sum(x, (0, 0), mask=m), RuntimeError, "appears multiple times"),
    (lambda lib, x, m: lib.masked.amax(x, 2, mask=m), IndexError, "Dimension out of range"),
    (lambda lib, x, m: lib.masked.sum(x, 0, mask=m[None]), IndexError, "mask dimensionality higher"),
    (lambda lib, x, m: lib.masked.mean(x.long(), 0, mask=m), ValueError, "Could not infer output dtype"),
    (lambda lib, x, m: lib.masked.median(x.long(), 0, mask=m & False), ValueError, "fully masked out rows"),
    (lambda lib, x, m: lib.masked.var(x, 0, True, correction=1, mask=m), AssertionError, "Only one of"),
    (lambda lib, x, m: lib.masked.norm(x.long(), float("-inf"), 0, mask=m), AssertionError, "floating point"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case: int) -> None:
    call, error, message = ERRORS[case]
    x, mask = torch.randn(2, 3, dtype=torch.float64), torch.tensor([[True, False, True], [True, True, False]])
    with pytest.raises(error, match=message):
        call(torch, x, mask)
    with pytest.raises(error, match=message):
        call(ember, _ember(x), _ember(mask))
