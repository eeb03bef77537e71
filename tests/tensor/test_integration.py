"""trapezoid, trapz and cumulative_trapezoid against torch: values, dtypes, gradients of y and x
(float64), the spacings (none, a constant, a 1-d x, a broadcast x), zero samples, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.tolerances import REDUCTION, TOLERANCES

RTOL, ATOL = TOLERANCES[REDUCTION]["float64"]
RNG = np.random.default_rng(0)
CASES = [
    ((4, 5), None, {}), ((4, 5), None, {"dx": 0.3}), ((4, 5), None, {"dim": 0, "dx": 2}), ((4, 5), (5,), {}),
    ((4, 5), (4,), {"dim": 0}), ((3, 4, 5), (4, 5), {"dim": 1}), ((4, 5), (1, 5), {}), ((6,), (6,), {}), ((1, 3), None, {"dim": 0}),
]


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("y_shape, x_shape, kwargs", CASES)
def test_values_and_gradients_match_torch(name: str, y_shape: tuple, x_shape: tuple, kwargs: dict) -> None:
    y = RNG.normal(size=y_shape)
    x = None if x_shape is None else np.cumsum(RNG.uniform(0.1, 1, size=x_shape), axis=-1)
    ty = torch.tensor(y, requires_grad=True)
    tx = None if x is None else torch.tensor(x, requires_grad=True)
    ey = ember.tensor(y, requires_grad=True)
    ex = None if x is None else ember.tensor(x, requires_grad=True)
    if name == "trapz" and "dx" in kwargs and x is None:
        expected, got = torch.trapz(ty, **kwargs), ember.trapz(ey, **kwargs)
    else:
        t_args, e_args = (ty,) if x is None else (ty, tx), (ey,) if x is None else (ey, ex)
        expected, got = getattr(torch, name)(*t_args, **kwargs), getattr(ember, name)(*e_args, **kwargs)
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=RTOL, atol=ATOL)
    cotangent = RNG.normal(size=tuple(expected.shape))
    t_inputs = [ty] + ([tx] if x is not None else [])
    e_inputs = [ey] + ([ex] if x is not None else [])
    t_grads = torch.autograd.grad(expected, t_inputs, torch.tensor(cotangent))
    e_grads = ember.autograd.grad(got, e_inputs, ember.tensor(cotangent))
    for e, t in zip(e_grads, t_grads):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=RTOL, atol=ATOL)


def test_gradcheck_and_gradgradcheck() -> None:
    y = ember.tensor(RNG.normal(size=(3, 4)), requires_grad=True)
    x = ember.tensor(np.cumsum(RNG.uniform(0.1, 1, 4)), requires_grad=True)
    for fn in (ember.trapezoid, ember.cumulative_trapezoid):
        assert ember.autograd.gradcheck(fn, (y, x))
        assert ember.autograd.gradgradcheck(fn, (y, x))


def test_integer_samples_zero_samples_and_dtypes_as_torch() -> None:
    values = [[1, 2, 3], [4, 5, 6]]
    for name in ("trapezoid", "cumulative_trapezoid"):
        for args, kwargs in (((), {}), ((), {"dx": 2}), (([1, 2, 4],), {})):
            e_args = [ember.tensor(a) for a in args]
            t_args = [torch.tensor(a) for a in args]
            got = getattr(ember, name)(ember.tensor(values), *e_args, **kwargs)
            expected = getattr(torch, name)(torch.tensor(values), *t_args, **kwargs)
            assert str(got.dtype) == str(expected.dtype).replace("torch", "ember")
            np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    assert ember.trapezoid(ember.ones(2, 0)).tolist() == [0.0, 0.0]
    assert tuple(ember.cumulative_trapezoid(ember.ones(2, 0)).shape) == (2, 0)
    for x_shape in ((0,), (1, 0)):  # coordinates broadcast against the zero pairs of samples
        got = ember.cumulative_trapezoid(ember.ones(0), ember.ones(*x_shape))
        assert got.shape == torch.cumulative_trapezoid(torch.ones(0), torch.ones(x_shape)).shape
    with pytest.raises(RuntimeError, match="size of tensor a"):
        torch.cumulative_trapezoid(torch.ones(3, 0), torch.ones(1, 3, 0))
    with pytest.raises(RuntimeError):
        ember.cumulative_trapezoid(ember.ones(3, 0), ember.ones(1, 3, 0))


@pytest.mark.parametrize("call, error, message", [
    (lambda: ember.trapezoid(ember.ones(3, 4), ember.ones(3)), RuntimeError, "one `x` value for each sample point"),
    (lambda: ember.cumulative_trapezoid(ember.ones(3, 4), ember.ones(3)), RuntimeError, "one `x` value for each sample point"),
    (lambda: ember.trapezoid(ember.ones(3, dtype=ember.bool)), RuntimeError, "bool is not supported"),
    (lambda: ember.trapezoid(ember.ones(3), dx=True), RuntimeError, "only support dx as a real number"),
    (lambda: ember.trapezoid(ember.ones(3), dim=2), IndexError, "Dimension out of range"),
    (lambda: ember.trapz(ember.ones(3), ember.ones(3), dx=2), TypeError, "invalid combination of arguments"),
])
def test_errors_as_torch(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()
