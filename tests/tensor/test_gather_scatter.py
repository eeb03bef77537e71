"""gather, scatter (with a tensor or a number, with reduce), scatter_add, their in-place forms
and index_select against torch: hypothesis draws shapes, dims and indices (smaller than self
outside dim too), values and gradients are compared in float64, and each error torch raises."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

from .conftest import assert_same_raise

RTOL = 1e-12
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def gather_case(draw: Any) -> tuple:
    """self's shape, a dim, and an index no larger than self outside dim (any size along it),
    with values in range; `unique` keeps each written position distinct (scatter's writes)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    d = dim % len(shape)
    ishape = tuple(draw(st.integers(0, n)) if k != d else draw(st.integers(0, 5)) for k, n in enumerate(shape))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    index = rng.integers(0, shape[d], size=ishape)
    return shape, dim, index, rng


def _unique_along(index: np.ndarray, dim: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """index with distinct values along dim (a permutation prefix per line): one write each."""
    moved = np.moveaxis(index, dim, -1)
    lines = [rng.permutation(size)[: moved.shape[-1]] for _ in range(int(np.prod(moved.shape[:-1])))]
    return np.moveaxis(np.array(lines, dtype=np.int64).reshape(moved.shape), -1, dim)


def _pair(array: np.ndarray, requires_grad: bool = False) -> tuple:
    return ember.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad)


def _assert_same(e: Any, t: torch.Tensor) -> None:
    assert e.shape == tuple(t.shape) and e.dtype.name == str(t.dtype).removeprefix("torch.")
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=0)


def _backward_both(e_out: Any, t_out: torch.Tensor, rng: np.random.Generator) -> None:
    w = rng.uniform(-1, 1, tuple(t_out.shape))
    (t_out * torch.tensor(w)).sum().backward()
    (e_out * ember.tensor(w)).sum().backward()


@SETTINGS
@given(gather_case())
def test_gather_matches_torch(case):
    shape, dim, index, rng = case
    ex, tx = _pair(rng.uniform(-1, 1, shape), requires_grad=True)
    ei, ti = _pair(index)
    e_out, t_out = ex.gather(dim, ei), tx.gather(dim, ti)
    _assert_same(e_out, t_out)
    _backward_both(e_out, t_out, rng)
    _assert_same(ex.grad, tx.grad)


@SETTINGS
@given(gather_case(), st.booleans())
def test_scatter_and_scatter_add_match_torch(case, src_larger):
    shape, dim, index, rng = case
    ex, tx = _pair(rng.uniform(-1, 1, shape), requires_grad=True)
    # a src larger than index is read only where index reaches (no gradient then, as in torch)
    sshape = tuple(n + 1 for n in index.shape) if src_larger else index.shape
    es, ts = _pair(rng.uniform(-1, 1, sshape), requires_grad=not src_larger)
    unique = _unique_along(index, dim, shape[dim % len(shape)], rng) if index.shape[dim] <= shape[dim] else None
    for op, idx in (("scatter_add", index), ("scatter", unique)):
        if idx is None:
            continue
        ei, ti = _pair(idx)
        e_out, t_out = getattr(ex, op)(dim, ei, es), getattr(tx, op)(dim, ti, ts)
        _assert_same(e_out, t_out)
        _backward_both(e_out, t_out, rng)
        _assert_same(ex.grad, tx.grad)
        if not src_larger:
            _assert_same(es.grad, ts.grad)
        ex.grad = tx.grad = es.grad = ts.grad = None


@SETTINGS
@given(gather_case(), st.sampled_from([None, "add", "multiply"]))
def test_scatter_of_a_number_and_reduce_match_torch(case, reduce):
    shape, dim, index, rng = case
    x = rng.uniform(-1, 1, shape)
    ei, ti = _pair(index)
    src = rng.uniform(-1, 1, index.shape)
    for value in (1.5, None):
        e_src = 1.5 if value else ember.tensor(src)
        t_src = 1.5 if value else torch.tensor(src)
        if reduce is None and value is None:
            continue  # plain scatter of a tensor, with repeats, has no defined winner
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_out = torch.tensor(x).scatter(dim, ti, t_src, **({"reduce": reduce} if reduce else {}))
            e_out = ember.tensor(x).scatter(dim, ei, e_src, reduce=reduce)
            _assert_same(e_out, t_out)
            t_in, e_in = torch.tensor(x), ember.tensor(x)
            t_in.scatter_(dim, ti, t_src, **({"reduce": reduce} if reduce else {}))
            e_in.scatter_(dim, ei, e_src, reduce=reduce)
            _assert_same(e_in, t_in)
            assert e_in._version == t_in._version


REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]


@SETTINGS
@given(gather_case(), st.sampled_from(REDUCTIONS), st.booleans())
def test_scatter_reduce_matches_torch(case, reduce, include_self):
    shape, dim, index, rng = case
    # few distinct values, zeros among them: ties for amax/amin, lone and meeting zeros for prod
    ex, tx = _pair(rng.choice([-2.0, 0.0, 0.5, 3.0], shape), requires_grad=True)
    es, ts = _pair(rng.choice([-2.0, 0.0, 0.5, 3.0], index.shape), requires_grad=True)
    ei, ti = _pair(index)
    e_out = ex.scatter_reduce(dim, ei, es, reduce, include_self=include_self)
    t_out = tx.scatter_reduce(dim, ti, ts, reduce, include_self=include_self)
    _assert_same(e_out, t_out)
    assert type(e_out.grad_fn).__name__ == t_out.grad_fn.name()
    _backward_both(e_out, t_out, rng)
    _assert_same(ex.grad, tx.grad)
    _assert_same(es.grad, ts.grad)


@SETTINGS
@given(gather_case(), st.sampled_from(REDUCTIONS), st.booleans())
def test_scatter_reduce_of_integers_and_in_place_match_torch(case, reduce, include_self):
    shape, dim, index, rng = case
    x, src = rng.integers(-5, 6, shape), rng.integers(-5, 6, index.shape)
    ei, ti = _pair(index)
    t = torch.tensor(x).scatter_reduce(dim, ti, torch.tensor(src), reduce, include_self=include_self)
    e = ember.tensor(x).scatter_reduce(dim, ei, ember.tensor(src), reduce, include_self=include_self)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert e.dtype == ember.int64
    t_in, e_in = torch.tensor(x), ember.tensor(x)
    t_in.scatter_reduce_(dim, ti, torch.tensor(src), reduce, include_self=include_self)
    e_in.scatter_reduce_(dim, ei, ember.tensor(src), reduce, include_self=include_self)
    np.testing.assert_array_equal(e_in.numpy(), t_in.numpy())
    assert e_in._version == t_in._version


def test_scatter_reduce_passes_gradcheck():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.uniform(0.5, 2, size=(3, 4)), requires_grad=True)
    src = ember.tensor(rng.uniform(0.5, 2, size=(3, 2)), requires_grad=True)
    index = ember.tensor([[3, 3], [0, 2], [1, 1]])
    for reduce in REDUCTIONS:
        for include_self in (True, False):
            fn = lambda x, s: x.scatter_reduce(1, index, s, reduce, include_self=include_self)  # noqa: E731
            assert ember.autograd.gradcheck(fn, (x, src)), (reduce, include_self)
    assert ember.autograd.gradgradcheck(lambda x, s: x.scatter_reduce(1, index, s, "prod"), (x, src))


def test_index_smaller_than_self_addresses_only_its_own_rows():
    x = np.arange(12.0).reshape(3, 4)
    for lib in (ember, torch):
        index = lib.tensor([[0, 3]])
        out = lib.tensor(x).gather(1, index)
        assert out.tolist() == [[0.0, 3.0]]
        written = lib.zeros(3, 4, dtype=lib.float64).scatter(1, index, 1.0)
        assert written.sum().item() == 2.0 and written[1:].sum().item() == 0.0


def test_gather_and_scatter_of_0d_tensors_count_as_1d():
    for lib in (ember, torch):
        assert lib.tensor(3.0).gather(0, lib.tensor(0)).item() == 3.0
        assert lib.tensor([3.0, 4.0]).gather(0, lib.tensor(1)).item() == 4.0
        assert lib.tensor(3.0).scatter(0, lib.tensor(0), lib.tensor(5.0)).item() == 5.0


def test_reduce_scatter_has_no_derivative_and_warns_for_tensor_src():
    for lib in (ember, torch):
        x = lib.ones(2, 3, dtype=lib.float64, requires_grad=True)
        src = lib.ones(2, 3, dtype=lib.float64)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = x.scatter(1, lib.tensor([[0, 0]]), src, reduce="multiply")
        if lib is ember:  # torch warns once a process, so only its first call shows it
            assert "reduce argument of torch.scatter with Tensor src is deprecated" in str(caught[0].message)
        assert type(y.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            y.sum().backward()


def test_scatter_and_scatter_add_graph_and_in_place_forms():
    for lib in (ember, torch):
        x = lib.zeros(2, 3, dtype=lib.float64, requires_grad=True)
        src = lib.ones(1, 2, dtype=lib.float64, requires_grad=True)
        y = x * 1
        y.scatter_add_(1, lib.tensor([[2, 2]]), src)
        assert type(y.grad_fn).__name__ == "ScatterAddBackward0"
        y.scatter_(1, lib.tensor([[0]]), 5.0)
        assert type(y.grad_fn).__name__ == "ScatterBackward1"
        y.sum().backward()
        assert x.grad.tolist() == [[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]] and src.grad.tolist() == [[1.0, 1.0]]


def test_gather_and_scatter_pass_gradcheck():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.uniform(size=(3, 4)), requires_grad=True)
    src = ember.tensor(rng.uniform(size=(2, 2)), requires_grad=True)
    index = ember.tensor([[3, 1], [0, 2]])
    assert ember.autograd.gradcheck(lambda x: x.gather(1, index), (x,))
    assert ember.autograd.gradcheck(lambda x, s: x.scatter(1, index, s), (x, src))
    assert ember.autograd.gradcheck(lambda x, s: x.scatter_add(1, ember.tensor([[1, 1], [0, 0]]), s), (x, src))
    assert ember.autograd.gradgradcheck(lambda x: x.gather(1, index) ** 2, (x,))


def test_index_select_matches_torch():
    x = np.arange(12.0).reshape(3, 4)
    for dim, index in ((0, [2, 0, 2]), (1, [3]), (-1, [])):
        ex, tx = _pair(x, requires_grad=True)
        ei, ti = ember.tensor(index, dtype=ember.int64), torch.tensor(index, dtype=torch.int64)
        e_out, t_out = ex.index_select(dim, ei), tx.index_select(dim, ti)
        _assert_same(e_out, t_out)
        e_out.sum().backward()
        t_out.sum().backward()
        _assert_same(ex.grad, tx.grad)


Z = np.zeros((3, 4))
SRC = np.arange(1.0, 13.0).reshape(3, 4)

ERRORS = {
    "gather float index": (lambda m, x: x.gather(1, m.tensor([[0.0]])), "gather(): Expected dtype int32/int64 for index"),
    "gather int16 index": (lambda m, x: x.gather(1, m.tensor([[0]], dtype=m.int16)), "Expected dtype int32/int64"),
    "gather negative index": (lambda m, x: x.gather(1, m.tensor([[-1]])), "index -1 is out of bounds for dimension 1 with size 4"),
    "gather index too large": (lambda m, x: x.gather(1, m.tensor([[4]])), "index 4 is out of bounds for dimension 1 with size 4"),
    "gather index larger than self": (
        lambda m, x: x.gather(1, m.zeros(4, 2, dtype=m.int64)),
        "Size does not match at dimension 0 expected index [4, 2] to be no larger than self [3, 4] apart from dimension 1",
    ),
    "gather index dims": (lambda m, x: x.gather(1, m.tensor([0])), "Index tensor must have the same number of dimensions as input tensor"),
    "gather dim": (lambda m, x: x.gather(2, m.tensor([[0]])), None),
    "scatter reduce string": (lambda m, x: x.scatter(1, m.tensor([[0]]), 1.0, reduce="sum"), "reduce argument must be either add or multiply."),
    "scatter tensor reduce string": (
        lambda m, x: x.scatter(1, m.tensor([[0]]), m.ones(3, 4, dtype=m.float64), reduce="mean"), "either add or multiply"
    ),
    "scatter float index": (lambda m, x: x.scatter(1, m.tensor([[0.0]]), 1.0), "scatter(): Expected dtype int32/int64 for index"),
    "scatter src dtype": (lambda m, x: x.scatter(1, m.tensor([[0]]), m.ones(3, 4)), "scatter(): Expected self.dtype to be equal to src.dtype"),
    "scatter src smaller than index": (
        lambda m, x: x.scatter(1, m.zeros(2, 2, dtype=m.int64), m.ones(1, 1, dtype=m.float64)),
        "Expected index [2, 2] to be no larger than self [3, 4] apart from dimension 1 and to be no larger size than src [1, 1]",
    ),
    "scatter 0-d src": (
        lambda m, x: x.scatter(1, m.tensor([[0]]), m.tensor(2.0, dtype=m.float64)),
        "Index tensor must have the same number of dimensions as src tensor",
    ),
    "scatter out of bounds": (lambda m, x: x.scatter(1, m.tensor([[5]]), 1.0), "index 5 is out of bounds for dimension 1 with size 4"),
    "scatter_add number": (lambda m, x: x.scatter_add(1, m.tensor([[0]]), 2.0), "must be Tensor, not float"),
    "scatter_add index dims": (
        lambda m, x: x.scatter_add(1, m.tensor([0]), m.ones(3, 4, dtype=m.float64)),
        "Index tensor must have the same number of dimensions as self tensor",
    ),
    "scatter_add negative": (lambda m, x: x.scatter_add(1, m.tensor([[-2]]), m.ones(3, 4, dtype=m.float64)), "out of bounds"),
    "scatter_ on a leaf": (lambda m, x: x.requires_grad_().scatter_(1, m.tensor([[0]]), 1.0), "leaf Variable"),
    "scatter_reduce string": (
        lambda m, x: x.scatter_reduce(1, m.tensor([[0]]), m.ones(1, 1, dtype=m.float64), "add"),
        "reduce argument must be either sum, prod, mean, amax or amin, got add",
    ),
    "scatter_reduce number": (lambda m, x: x.scatter_reduce(1, m.tensor([[0]]), 1.0, "sum"), "must be Tensor, not float"),
    "scatter_reduce dtype": (lambda m, x: x.scatter_reduce(1, m.tensor([[0]]), m.ones(1, 1), "sum"), "Expected self.dtype"),
    "scatter_reduce out of bounds": (
        lambda m, x: x.scatter_reduce(1, m.tensor([[4]]), m.ones(1, 1, dtype=m.float64), "amax"), "out of bounds"
    ),
    "index_select negative": (lambda m, x: x.index_select(0, m.tensor([-1])), "index out of range in self"),
    "index_select too large": (lambda m, x: x.index_select(0, m.tensor([3])), "index out of range in self"),
    "index_select float": (lambda m, x: x.index_select(0, m.tensor([1.0])), "index_select(): Expected dtype int32 or int64 for index"),
    "index_select bool": (lambda m, x: x.index_select(0, m.tensor([True])), "Expected dtype int32 or int64"),
    "index_select matrix": (lambda m, x: x.index_select(0, m.tensor([[0]])), "Index is supposed to be a vector"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_gather_scatter_errors_match_torch(name):
    fn, match = ERRORS[name]
    assert_same_raise(lambda: fn(ember, ember.tensor(Z)), lambda: fn(torch, torch.tensor(Z)), match)
