"""What torch's OpInfo samples do not check for the shape, indexing and matrix-product ops:
views that share memory and version counters, in-place forms, gradchecks, warnings and the
argument forms (varargs, tuples, tensors) torch accepts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck


def _pair(*shape: int, requires_grad: bool = False) -> tuple[ember.Tensor, torch.Tensor]:
    x = np.random.default_rng(0).standard_normal(shape)
    return ember.tensor(x, requires_grad=requires_grad), torch.tensor(x, requires_grad=requires_grad)


@pytest.mark.parametrize("view", [
    lambda x: x.diagonal(1, 0, 2),
    lambda x: x.unfold(2, 2, 2),
    lambda x: x.swapaxes(0, 2),
])
def test_views_share_memory_and_version(view) -> None:
    e, t = _pair(3, 4, 5)
    ve, vt = view(e), view(t)
    ve.mul_(2)
    vt.mul_(2)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert (e._version, ve._version) == (t._version, vt._version)


def test_inplace_through_a_diagonal_reaches_the_base_gradient() -> None:
    e, t = _pair(4, 4, requires_grad=True)
    outs = []
    for x in (e, t):
        y = x * 1
        y.diagonal().mul_(3)
        outs.append(y)
    outs[0].sum().backward()
    outs[1].sum().backward()
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("fn", [
    lambda x: ember.diagonal(x, -1, 2, 0),
    lambda x: ember.diag_embed(x, 1, 0, 2),
    lambda x: ember.diagonal_scatter(x, x.diagonal(0, 1, 2) * 2, 0, 1, 2),
    lambda x: x.unfold(1, 2, 2),
    lambda x: ember.trace(x[0]),
])
def test_gradcheck_and_gradgradcheck(fn) -> None:
    x = ember.tensor(np.random.default_rng(1).standard_normal((2, 4, 4)), requires_grad=True)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", ["addmm", "addmv", "addr", "baddbmm", "addbmm"])
def test_beta_zero_ignores_nan_in_input(name: str) -> None:
    shapes = {"addmm": [(2, 3), (3, 4)], "addmv": [(2, 3), (3,)], "addr": [(2,), (3,)],
              "baddbmm": [(2, 2, 3), (2, 3, 4)], "addbmm": [(2, 2, 3), (2, 3, 4)]}[name]
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal(s) for s in shapes)
    inp = np.full((1,), np.nan)
    e_in = ember.tensor(inp, requires_grad=True)
    t_in = torch.tensor(inp, requires_grad=True)
    e = getattr(ember, name)(e_in, ember.tensor(a), ember.tensor(b), beta=0, alpha=2.0)
    t = getattr(torch, name)(t_in, torch.tensor(a), torch.tensor(b), beta=0, alpha=2.0)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    e.sum().backward()
    t.sum().backward()
    np.testing.assert_array_equal(e_in.grad.numpy(), t_in.grad.numpy())


def test_inplace_matrix_products_and_index_writes_match_torch() -> None:
    (e, t), (ea, ta), (eb, tb) = _pair(2, 4), _pair(2, 3), _pair(3, 4)
    e.addmm_(ea, eb, beta=0.5, alpha=2)
    t.addmm_(ta, tb, beta=0.5, alpha=2)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    idx = [1, 1, 3]
    (es, ts) = _pair(2, 3)
    e.index_add_(1, ember.tensor(idx), es, alpha=3)
    t.index_add_(1, torch.tensor(idx), ts, alpha=3)
    e.index_fill_(0, ember.tensor([1]), -1.0)
    t.index_fill_(0, torch.tensor([1]), -1.0)
    e.put_(ember.tensor([0, -1]), ember.tensor([5.0, 6.0], dtype=ember.float64), accumulate=True)
    t.put_(torch.tensor([0, -1]), torch.tensor([5.0, 6.0], dtype=torch.float64), accumulate=True)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    assert e._version == t._version


def test_shape_inplace_ops_change_the_tensor_and_its_history() -> None:
    e, t = _pair(2, 3, requires_grad=True)
    ye, yt = e * 2, t * 2
    for y in (ye, yt):
        y.t_()
        y.unsqueeze_(0)
        y.transpose_(0, 2)
        y.squeeze_(2)
    assert ye.shape == tuple(yt.shape) and ye._version == yt._version
    assert ye.stride() == yt.stride()
    ye.backward(ember.ones(ye.shape))
    yt.backward(torch.ones(yt.shape, dtype=torch.float64))
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())
    with pytest.raises(RuntimeError, match="leaf"):
        e.t_()


def test_memory_layout_queries_match_torch() -> None:
    e, t = _pair(3, 4)
    for f in (lambda x: x, lambda x: x[1:, ::2], lambda x: x.t(), lambda x: x.diagonal(1), lambda x: x.expand(2, 3, 4)):
        assert f(e).stride() == f(t).stride()
        assert f(e).storage_offset() == f(t).storage_offset()
    assert (e.nelement(), e.nbytes, e.itemsize, e.stride(1)) == (t.nelement(), t.nbytes, t.itemsize, t.stride(1))


def test_argument_forms_match_torch() -> None:
    e, t = _pair(2, 3, 1)
    assert np.array_equal(e.flip(0, 1).numpy(), t.flip(0, 1).numpy())
    assert np.array_equal(e.flip((0, 2)).numpy(), t.flip((0, 2)).numpy())
    assert e.squeeze((0, 2)).shape == tuple(t.squeeze((0, 2)).shape)
    assert np.array_equal(e.tile((2,)).numpy(), t.tile((2,)).numpy())
    assert np.array_equal(e.tile(2, 1, 1, 1).numpy(), t.tile(2, 1, 1, 1).numpy())
    for a, b in zip(e.nonzero(as_tuple=True), t.nonzero(as_tuple=True)):
        assert np.array_equal(a.numpy(), b.numpy())
    for a, b in zip(ember.where(e > 0), torch.where(t > 0)):
        assert np.array_equal(a.numpy(), b.numpy())
    r = ember.tensor([1, 0, 2])
    assert ember.repeat_interleave(r).tolist() == torch.repeat_interleave(torch.tensor([1, 0, 2])).tolist()
    assert e.repeat_interleave(r, 1, output_size=3).shape == tuple(t.repeat_interleave(torch.tensor([1, 0, 2]), 1).shape)
    assert ember.tensordot(e, e, dims=([0, 1], [0, 1])).shape == tuple(torch.tensordot(t, t, dims=([0, 1], [0, 1])).shape)


def test_meshgrid_warns_without_indexing_as_torch() -> None:
    a, b = ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0, 5.0])
    with pytest.warns(UserWarning, match="indexing argument"):
        ember.meshgrid(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs, ys = ember.meshgrid(a, b, indexing="xy")
    tx, ty = torch.meshgrid(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0]), indexing="xy")
    assert np.array_equal(xs.numpy(), tx.numpy()) and np.array_equal(ys.numpy(), ty.numpy())


def test_unique_along_a_dim_and_consecutive_runs_match_torch() -> None:
    x = [[1, 2], [1, 2], [0, 5], [0, 5], [1, 2]]
    for e, t in zip(ember.unique(ember.tensor(x), return_inverse=True, return_counts=True, dim=0),
                    torch.unique(torch.tensor(x), return_inverse=True, return_counts=True, dim=0)):
        assert e.tolist() == t.tolist()
    for e, t in zip(ember.unique_consecutive(ember.tensor(x), return_inverse=True, return_counts=True, dim=0),
                    torch.unique_consecutive(torch.tensor(x), return_inverse=True, return_counts=True, dim=0)):
        assert e.tolist() == t.tolist()


def test_searchsorted_side_and_sorter_match_torch() -> None:
    seq, vals, sorter = [5, 1, 3, 3], [3, 0, 6], [1, 2, 3, 0]
    e = ember.searchsorted(ember.tensor(seq), ember.tensor(vals), side="right", sorter=ember.tensor(sorter))
    t = torch.searchsorted(torch.tensor(seq), torch.tensor(vals), side="right", sorter=torch.tensor(sorter))
    assert e.tolist() == t.tolist()
    with pytest.raises(RuntimeError, match="opposites"):
        ember.searchsorted(ember.tensor(seq), ember.tensor(vals), right=True, side="left")


@pytest.mark.parametrize("form", [
    lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]),
    lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2]),
    lambda m, a, b: m.einsum(a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2]),
])
def test_einsum_sublist_form_matches_torch(form) -> None:
    (ea, ta), (eb, tb) = _pair(2, 3, requires_grad=True), _pair(3, 4, requires_grad=True)
    e, t = form(ember, ea, eb), form(torch, ta, tb)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-10)
    e.sum().backward()
    t.sum().backward()
    np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=1e-10)
