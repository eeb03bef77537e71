"""igamma / igammac (special.gammainc / gammaincc): torch's values across its branches and edge
cases, its dtypes and errors, the gradient in x, and torch's refusal of the gradient in a."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from tolerances import TRANSCENDENTAL, TOLERANCES

NAMES = ["igamma", "igammac"]


def _compare(name, a, x, dtype="float64"):
    rtol, atol = TOLERANCES[TRANSCENDENTAL][dtype]
    ours = getattr(ember, name)(ember.tensor(a.astype(dtype)), ember.tensor(x.astype(dtype)))
    theirs = getattr(torch, name)(torch.tensor(a.astype(dtype)), torch.tensor(x.astype(dtype)))
    assert ours.dtype.name == dtype
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_branch_matches_torch(name, dtype):
    """Series of P, continued fraction and series of Q: x around 0.5, 1, 1.1 and a, a from 1e-2 to 20."""
    rng = np.random.default_rng(0)
    a = np.concatenate([rng.uniform(0.01, 10, 3000), rng.uniform(10, 20, 500), rng.uniform(0, 1e-3, 300)])
    x = np.concatenate([rng.uniform(0, 15, 3000), rng.uniform(5, 30, 500), rng.uniform(0, 2, 300)])
    _compare(name, a, x, dtype)


@pytest.mark.parametrize("name", NAMES)
def test_asymptotic_expansion_matches_torch(name):
    """20 < a with x near a: torch's Temme expansion, digits included (its pi is a float's)."""
    rng = np.random.default_rng(1)
    a = np.concatenate([rng.uniform(20, 200, 1000), rng.uniform(200, 1e5, 500), [21.0]])
    x = np.concatenate([a[:1000] * rng.uniform(0.65, 1.35, 1000),
                        a[1000:1500] + rng.uniform(-4, 4, 500) * np.sqrt(a[1000:1500]), [15.0]])
    _compare(name, a, x)
    if name == "igamma":
        assert ember.igamma(ember.tensor(21.0, dtype=ember.float64), ember.tensor(15.0, dtype=ember.float64)).item() == \
            torch.igamma(torch.tensor(21.0, dtype=torch.float64), torch.tensor(15.0, dtype=torch.float64)).item()


@pytest.mark.parametrize("name", NAMES)
def test_edge_values_match_torch(name):
    inf, nan = np.inf, np.nan
    a = np.array([0, 0, 0, 1, inf, inf, 2, -1, 1, nan, 2, 3, 1e-300, 50])
    x = np.array([0, 1, -1, 0, 1, inf, inf, 1, -1, 1, nan, 1e-300, 1, 1e4])
    _compare(name, a, x)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(NAMES), st.floats(1e-6, 400), st.floats(0, 500))
def test_random_points_match_torch(name, a, x):
    _compare(name, np.array([a]), np.array([x]))


@pytest.mark.parametrize("name", NAMES)
def test_broadcasting_promotion_and_aliases(name):
    a, x = np.linspace(0.5, 4, 6).reshape(2, 3), np.linspace(0.1, 5, 3)
    ours = getattr(ember, name)(ember.tensor(a, dtype=ember.float32), ember.tensor(x))
    theirs = getattr(torch, name)(torch.tensor(a, dtype=torch.float32), torch.tensor(x))
    assert ours.dtype == ember.float64 and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)
    alias = {"igamma": ember.special.gammainc, "igammac": ember.special.gammaincc}[name]
    assert alias(ember.tensor(a), ember.tensor(x)).tolist() == getattr(ember, name)(ember.tensor(a), ember.tensor(x)).tolist()


@pytest.mark.parametrize("name", NAMES)
def test_methods_and_inplace(name):
    a, x = np.array([0.5, 2.0, 7.0]), np.array([1.0, 1.5, 9.0])
    t = ember.tensor(a)
    assert getattr(t, name)(ember.tensor(x)).tolist() == getattr(ember, name)(t, ember.tensor(x)).tolist()
    expected = getattr(torch.tensor(a), name + "_")(torch.tensor(x))
    out = getattr(t, name + "_")(ember.tensor(x))
    assert out is t
    np.testing.assert_allclose(t.numpy(), expected.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_in_x_matches_torch_and_gradchecks(name):
    a, x = np.array([0.5, 1.0, 2.5, 9.0]), np.array([0.3, 1.0, 3.0, 8.0])
    ex = ember.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    getattr(ember, name)(ember.tensor(a), ex).sum().backward()
    getattr(torch, name)(torch.tensor(a), tx).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    fn = lambda t: getattr(ember, name)(ember.tensor(a), t)
    assert gradcheck(fn, (ember.tensor(x, requires_grad=True),))
    assert gradgradcheck(fn, (ember.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("name", NAMES)
def test_gradient_in_a_is_not_implemented_as_in_torch(name):
    for lib in (torch, ember):
        a = lib.tensor([1.5, 2.0], dtype=lib.float64, requires_grad=True)
        out = getattr(lib, name)(a, lib.tensor([1.0, 2.0], dtype=lib.float64))
        with pytest.raises(NotImplementedError, match="not implemented"):
            out.sum().backward()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("call", [
    lambda lib, f: getattr(lib, f)(lib.tensor([1, 2]), lib.tensor([1, 2])),
    lambda lib, f: getattr(lib, f)(lib.tensor([True]), lib.tensor([True])),
    lambda lib, f: getattr(lib, f)(lib.zeros(3), lib.zeros(4)),
])
def test_errors_match_torch(name, call):
    with pytest.raises(Exception) as expected:
        call(torch, name)
    with pytest.raises(expected.type):
        call(ember, name)


def test_expansion_coefficients_are_the_generated_ones():
    """src/ember/_igamma_coefficients.py is what scripts/igamma_coefficients.py computes."""
    import runpy
    from pathlib import Path

    from ember._igamma_coefficients import D

    script = Path(__file__).resolve().parents[2] / "scripts" / "igamma_coefficients.py"
    computed = runpy.run_path(str(script))["coefficients"]()
    assert [list(row) for row in D] == computed
    assert D[0][:4] == (-1 / 3, 1 / 12, -2 / 135, 1 / 864)
