"""Norms and the pseudo-inverse at their edges, as torch: empty matrices and reductions (inf
norms have no identity; the largest of nothing is 0 in a matrix norm), and the derivatives of
vector norms at zero, first and second, for every p."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember


def _outcome(fn: Callable[[Any], Any], lib: Any) -> str:
    try:
        return repr(np.asarray(fn(lib).numpy()).tolist())
    except Exception as error:  # the type and message must be torch's
        return f"{type(error).__name__}: {error}"


ORDS = [math.inf, -math.inf, 1, -1, 2, -2, "fro", "nuc"]


@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (0, 3), (2, 0, 0)])
@pytest.mark.parametrize("ord", ORDS)
@pytest.mark.parametrize("keepdim", [False, True])
def test_matrix_norms_of_empty_matrices(shape: tuple, ord: Any, keepdim: bool) -> None:
    fn = lambda m: m.linalg.norm(m.zeros(shape), ord, dim=(-2, -1), keepdim=keepdim)
    assert _outcome(fn, ember) == _outcome(fn, torch)


@pytest.mark.parametrize("shape, dim", [((0,), None), ((2, 0), None), ((2, 0), (0, 1)), ((2, 0), 1), ((0, 2), (-1,)),
                                        ((2, 0, 3), (2, 1)), ((0,), -1)])
@pytest.mark.parametrize("ord", [math.inf, -math.inf, 0, 1, 2])
def test_vector_norms_of_empty_reductions(shape: tuple, dim: Any, ord: float) -> None:
    fn = lambda m: m.linalg.vector_norm(m.zeros(shape), ord, dim=dim)
    assert _outcome(fn, ember) == _outcome(fn, torch)


@pytest.mark.parametrize("shape", [(3, 0), (0, 3), (2, 0, 4)])
def test_pinv_of_an_empty_matrix_is_its_empty_transpose(shape: tuple) -> None:
    fn = lambda m: m.linalg.pinv(m.zeros(shape), rtol=m.zeros(shape))
    assert _outcome(fn, ember) == _outcome(fn, torch)
    assert tuple(ember.linalg.pinv(ember.zeros(shape)).shape) == tuple(torch.linalg.pinv(torch.zeros(shape)).shape)


def _array(t: Any) -> np.ndarray:
    """The values of a gradient (torch's ZeroTensor, for a zero gradient, included)."""
    return t.detach().numpy(force=True) if isinstance(t, torch.Tensor) else t.detach().numpy()


@pytest.mark.parametrize("ord", [None, 0, 0.5, 1, 1.5, 2, 3.5, math.inf])
@pytest.mark.parametrize("at_zero", [True, False])
def test_first_and_second_derivatives_of_vector_norms(ord: Any, at_zero: bool) -> None:
    x = np.zeros(5) if at_zero else np.array([0.5, -1.0, 0.0, 2.0, -0.3])
    rng = np.random.default_rng(0)
    v, w = rng.standard_normal(5), rng.standard_normal(())
    results = []
    for m in (torch, ember):
        t = m.tensor(x, requires_grad=True)
        (g,) = m.autograd.grad(m.linalg.norm(t, ord), t, m.tensor(w), create_graph=True, allow_unused=True)
        g = m.zeros_like(t) if g is None else g
        second = m.autograd.grad(g, t, m.tensor(v), allow_unused=True)[0] if g.requires_grad else None
        results.append((_array(g), None if second is None else _array(second)))
    (tg, tgg), (eg, egg) = results
    np.testing.assert_allclose(eg, tg, 1e-12, 1e-15)
    if tgg is None or egg is None:
        assert not np.any(tgg if egg is None else egg)
    else:
        np.testing.assert_allclose(egg, tgg, 1e-10, 1e-13)
