"""Autograd semantics, each checked against torch where torch defines the behaviour: backward's
arguments, autograd.grad, graph structure and names, hooks, freed graphs, higher derivatives."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
import torch

import ember
from ember import autograd

from .conftest import assert_same_raise


def _pair(values, requires_grad=True):
    a = np.asarray(values, dtype=np.float64)
    return ember.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _close(e, t):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=0)


# backward's arguments

def test_backward_of_a_scalar_fills_leaf_grads():
    (ex, tx), (ew, tw) = _pair([1.0, -2.0, 3.0]), _pair([0.5, 0.25, -1.0])
    for x, w in ((ex, ew), (tx, tw)):
        ((x * w).sum() + (x.exp() * w).mean()).backward()
    _close(ex.grad, tx.grad)
    _close(ew.grad, tw.grad)


def test_backward_with_gradient_for_non_scalar_outputs():
    ex, tx = _pair([[1.0, 2.0], [3.0, 4.0]])
    g = np.array([[1.0, -1.0], [0.5, 2.0]])
    (ex * ex).backward(ember.tensor(g))
    (tx * tx).backward(torch.tensor(g))
    _close(ex.grad, tx.grad)


def test_backward_without_gradient_on_non_scalar_raises():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_backward_with_wrong_gradient_shape_raises():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ember.ones(4))


def test_grads_accumulate_across_backward_calls_and_can_be_reset():
    ex, tx = _pair([1.0, 2.0])
    for x in (ex, tx):
        (x * x).sum().backward()
        (x * 3).sum().backward()
    _close(ex.grad, tx.grad)
    ex.grad = None
    (ex * 2).sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), [2.0, 2.0])
    ex.grad.zero_()
    np.testing.assert_array_equal(ex.grad.numpy(), [0.0, 0.0])


def test_backward_inputs_limits_accumulation():
    x, y = ember.ones(2, requires_grad=True), ember.ones(2, requires_grad=True)
    (x * y * 3).sum().backward(inputs=[x])
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert y.grad is None
    (x * y).sum().backward(inputs=y)
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 1.0])


def test_autograd_backward_function_with_several_roots():
    ex, tx = _pair([1.0, 2.0, 3.0])
    autograd.backward([(ex * 2).sum(), ex * ex], [None, ember.ones(3)])
    torch.autograd.backward([(tx * 2).sum(), tx * tx], [None, torch.ones(3, dtype=torch.float64)])
    _close(ex.grad, tx.grad)


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.ones(2).sum().backward()


# autograd.grad

def test_grad_returns_gradients_and_leaves_grad_untouched():
    (ex, tx), (ey, ty) = _pair([1.0, 2.0]), _pair([3.0, -1.0])
    eg = autograd.grad((ex * ey).sum(), [ex, ey])
    tg = torch.autograd.grad((tx * ty).sum(), [tx, ty])
    assert isinstance(eg, tuple) and len(eg) == 2
    _close(eg[0], tg[0])
    _close(eg[1], tg[1])
    assert ex.grad is None and ey.grad is None


def test_grad_with_grad_outputs_and_intermediate_inputs():
    ex, tx = _pair([1.0, 2.0, 3.0])
    go = np.array([1.0, 0.5, -2.0])
    eh, th = ex * 2, tx * 2
    (eg,) = autograd.grad(eh.sin(), eh, grad_outputs=ember.tensor(go))
    (tg,) = torch.autograd.grad(th.sin(), th, grad_outputs=torch.tensor(go))
    _close(eg, tg)


def test_grad_allow_unused():
    x, unused = ember.ones(2, requires_grad=True), ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autograd.grad((x * 2).sum(), [x, unused])
    gx, gu = autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    np.testing.assert_array_equal(gx.numpy(), [2.0, 2.0])
    assert gu is None


def test_grad_retain_graph_allows_a_second_call():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    (g1,) = autograd.grad(y, x, retain_graph=True)
    (g2,) = autograd.grad(y, x)
    np.testing.assert_array_equal(g1.numpy(), g2.numpy())


def test_grad_of_a_leaf_used_by_several_ops_sums_every_path():
    ex, tx = _pair([0.5, -1.0, 2.0])
    eg = autograd.grad((ex.float() * 1 + ex.double() + ex.exp() * ex).sum(), ex)[0]
    tg = torch.autograd.grad((tx.float() * 1 + tx.double() + tx.exp() * tx).sum(), tx)[0]
    _close(eg, tg)


# graph structure

def test_shared_nodes_are_summed_once():
    ex, tx = _pair([1.0, 2.0])
    for x in (ex, tx):
        h = x * 3
        (h * h + h.exp() + h).sum().backward()
    _close(ex.grad, tx.grad)


def test_a_deep_diamond_graph_runs_in_linear_time():
    x = ember.tensor([0.5], dtype=ember.float64, requires_grad=True)
    y = x
    for _ in range(200):  # 2^200 paths: summing per path would never finish
        y = (y * 0.5 + y * 0.5).tanh() + 0.1
    y.sum().backward()
    tx = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    ty = tx
    for _ in range(200):
        ty = (ty * 0.5 + ty * 0.5).tanh() + 0.1
    ty.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)


def test_100000_chained_ops_backward_without_recursion_error():
    x = ember.tensor(1.0, requires_grad=True)
    y = x
    for i in range(50_000):
        y = y * 1.0
        y = y + 0.0
    y.backward()
    assert x.grad.item() == 1.0


def test_requires_grad_propagation_and_is_leaf():
    x = ember.ones(2, requires_grad=True)
    c = ember.ones(2)
    y = x * c
    z = c * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    assert not z.requires_grad and z.is_leaf and z.grad_fn is None
    assert x.is_leaf and x.grad_fn is None
    assert (x > 0).requires_grad is False and (x > 0).grad_fn is None
    assert x.detach().requires_grad is False and x.argmax().requires_grad is False


def _names(node):
    if node is None:
        return None
    name = node.name() if hasattr(node, "name") and not isinstance(node, torch.autograd.graph.Node) else type(node).__name__
    return (name, tuple(_names(n) for n, _ in node.next_functions))


@pytest.mark.parametrize("expr", [
    lambda x, w: ((x * w).sum() + x.exp().mean()).tanh(),
    lambda x, w: (x - w).pow(2).mean(1).sqrt().sum(),
    lambda x, w: (x @ w.t()).relu().max(),
    lambda x, w: x.t().sigmoid().amax(0).log_softmax(0).sum(),
    lambda x, w: (x / w.abs()).clamp(-1, 1).reshape(-1).softmax(0).neg().prod(),
    lambda x, w: x[0].dot(w[1]) + x[:, 1:].sum() + x.transpose(0, 1).cumsum(0).logsumexp(0).sum(),
    lambda x, w: ember_or_torch(x).cat([x, w]).unsqueeze(0).squeeze(0).flip(0).mean(),
    lambda x, w: (x.split(1, 1)[0] * x.split([1, 2], 1)[1]).sum()
    + ember_or_torch(x).stack(w.unbind(0), 1).chunk(3)[2].sum(),
], ids=["sum-mul-exp-mean-tanh", "sub-pow-mean-sqrt", "mm-relu-max", "t-sigmoid-amax-logsoftmax",
        "div-abs-clamp-view-softmax-neg-prod", "select-dot-slice-transpose-cumsum-logsumexp", "cat-unsqueeze-squeeze-flip-mean",
        "split-splitwithsizes-unbind-stack-chunk"])
def test_grad_fn_graph_has_torch_names(expr):
    ex, tx = _pair([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
    ew, tw = _pair([[0.5, 1.5, -2.0], [1.0, -0.75, 2.0]])
    assert _names(expr(ex, ew).grad_fn) == _names(expr(tx, tw).grad_fn)


def ember_or_torch(x):
    return ember if isinstance(x, ember.Tensor) else torch


def test_next_functions_point_at_the_inputs_nodes():
    x = ember.ones(2, requires_grad=True)
    h = x.exp()
    y = h * x
    (n0, i0), (n1, i1) = y.grad_fn.next_functions
    assert n0 is h.grad_fn and i0 == 0
    assert n1.name() == "AccumulateGrad" and n1.variable is x and i1 == 0
    assert h.grad_fn.next_functions[0][0] is n1  # one accumulator per leaf


NUMBER_OVER_TENSOR = [lambda w: 2 / w, lambda w: 2.5 / w, lambda w: w.reciprocal(), lambda w: 1 / w]
NUMBER_OVER_TENSOR_IDS = ["int-over", "float-over", "reciprocal", "one-over"]


def _first_path(node):
    """The names along each node's first edge to a node (torch also lists numbers, as None)."""
    names = []
    while node is not None:
        names.append(type(node).__name__)
        node = next((n for n, _ in node.next_functions if n is not None), None)
    return names


@pytest.mark.parametrize("make", NUMBER_OVER_TENSOR, ids=NUMBER_OVER_TENSOR_IDS)
def test_a_number_over_a_tensor_records_torch_reciprocal_graph(make):
    ew, tw = _pair([0.5, -2.0, 4.0])
    assert _first_path(make(ew).grad_fn) == _first_path(make(tw).grad_fn)


@pytest.mark.parametrize("make", NUMBER_OVER_TENSOR, ids=NUMBER_OVER_TENSOR_IDS)
def test_a_number_over_a_tensor_lets_the_tensor_change_in_place_afterwards(make):
    grads = []
    for x in _pair([0.5, -2.0, 4.0]):
        w = x * 1
        y = make(w)
        w.mul_(2)  # the reciprocal node keeps 1/w, not w
        y.sum().backward()
        grads.append(x.grad)
    _close(*grads)


def test_div_with_a_number_first_keeps_the_divisor_as_torch_div_does():
    ex, tx = _pair([0.5, -2.0, 4.0])
    assert _first_path(ember.div(2, ex).grad_fn) == _first_path(torch.div(2, tx).grad_fn)
    assert _first_path(ember.div(2, ex).grad_fn) == ["DivBackward0", "AccumulateGrad"]

    def change_then_backward(lib, x):
        w = x * 1
        y = lib.div(2, w)
        w.mul_(2)
        y.sum().backward()

    assert_same_raise(lambda: change_then_backward(ember, ex), lambda: change_then_backward(torch, tx),
                      "modified by an inplace operation")


def test_graph_dies_with_its_output():
    x = ember.ones(3, requires_grad=True)
    y = (x * 2).exp().sum()
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


# retain_grad and hooks

def test_retain_grad_on_non_leaf():
    ex, tx = _pair([1.0, 2.0])
    eh, th = ex * 3, tx * 3
    eh.retain_grad()
    th.retain_grad()
    assert eh.retains_grad
    (eh * eh).sum().backward()
    (th * th).sum().backward()
    _close(eh.grad, th.grad)
    _close(ex.grad, tx.grad)


def test_non_leaf_grad_is_none_without_retain_grad():
    x = ember.ones(2, requires_grad=True)
    h = x * 2
    h.sum().backward()
    assert h.grad is None


def test_register_hook_sees_and_replaces_the_gradient_then_is_removed():
    ex, tx = _pair([1.0, 2.0])
    seen = []
    for x in (ex, tx):
        h = x * 3
        handle = h.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
        (h * h).sum().backward()
        handle.remove()
        (x * 3 * x * 3).sum().backward()
    _close(ex.grad, tx.grad)
    np.testing.assert_allclose(seen[0], seen[2], rtol=1e-12)
    np.testing.assert_allclose(seen[1], seen[3], rtol=1e-12)


def test_register_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError):
        ember.ones(2).register_hook(lambda g: g)


def test_post_accumulate_grad_hook_runs_after_grad_is_set():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    handle = x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.numpy().copy()))
    (x * 4).sum().backward()
    (x * 1).sum().backward()
    handle.remove()
    (x * 1).sum().backward()
    assert len(calls) == 2
    np.testing.assert_array_equal(calls[0], [4.0, 4.0])
    np.testing.assert_array_equal(calls[1], [5.0, 5.0])
    with pytest.raises(RuntimeError):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)


# freed graphs

def test_second_backward_through_a_freed_graph_raises_naming_retain_graph():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    ex, tx = _pair([1.0, 2.0])
    for x in (ex, tx):
        y = (x * x).exp().sum()
        y.backward(retain_graph=True)
        y.backward()
    _close(ex.grad, tx.grad)


# higher derivatives

def test_create_graph_second_derivative_of_tanh():
    ex, tx = _pair([-1.5, 0.0, 0.7, 2.0])
    results = []
    for x, lib in ((ex, ember), (tx, torch)):
        (g,) = lib.autograd.grad(x.tanh().sum(), x, create_graph=True)
        assert g.requires_grad
        (gg,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (ggg,) = lib.autograd.grad(gg.sum(), x)
        results.append((g, gg, ggg))
    for e, t in zip(*results):
        _close(e, t)


@pytest.mark.parametrize("make", NUMBER_OVER_TENSOR, ids=NUMBER_OVER_TENSOR_IDS)
@pytest.mark.parametrize("values", [[-1.5, 0.25, 3.0], 0.75], ids=["1d", "0d"])
def test_third_derivative_of_a_number_over_a_tensor(make, values):
    ex, tx = _pair(values)
    results = []
    for x, lib in ((ex, ember), (tx, torch)):
        (g,) = lib.autograd.grad(make(x).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (ggg,) = lib.autograd.grad(gg.sum(), x)
        results.append((g, gg, ggg))
    for e, t in zip(*results):
        _close(e, t)


def test_create_graph_in_backward_makes_grad_differentiable():
    ex, tx = _pair([0.5, -1.0])
    for x in (ex, tx):
        (x**3).sum().backward(create_graph=True)
        g = x.grad
        x.grad = None
        (g * g).sum().backward()
    _close(ex.grad, tx.grad)


def test_second_derivative_of_an_mlp_loss_wrt_its_input():
    rng = np.random.default_rng(0)
    w1, b1 = rng.standard_normal((4, 3)), rng.standard_normal(4)
    w2, b2 = rng.standard_normal((2, 4)), rng.standard_normal(2)
    xs = rng.standard_normal((5, 3))
    target = rng.standard_normal((5, 2))
    out = []
    for lib in (ember, torch):
        params = [lib.tensor(a, requires_grad=True) for a in (w1, b1, w2, b2)]
        x = lib.tensor(xs, requires_grad=True)
        h = (x @ params[0].t() + params[1]).tanh()
        y = (h @ params[2].t() + params[3]).sigmoid()
        loss = ((y - lib.tensor(target)) ** 2).mean()
        (gx,) = lib.autograd.grad(loss, x, create_graph=True)
        penalty = (gx**2).sum()
        grads = lib.autograd.grad(penalty, [x] + params)
        out.append([loss, gx] + list(grads))
    for e, t in zip(*out):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-13)


def test_a_hook_on_a_leaf_used_twice_runs_once_with_the_sum():
    ex, tx = _pair([1.0, 2.0])
    seen = {"ember": [], "torch": []}
    for x, key in ((ex, "ember"), (tx, "torch")):
        x.register_hook(lambda g, key=key: seen[key].append(g.detach().numpy().copy()))
        (x.exp() * x + x * 2).sum().backward()
    assert len(seen["ember"]) == len(seen["torch"]) == 1
    np.testing.assert_allclose(seen["ember"][0], seen["torch"][0], rtol=1e-10)


def test_changes_through_data_bypass_the_version_check_like_torch():
    ex, tx = _pair([1.0, 2.0])
    for x in (ex, tx):
        y = (x * x).sum()
        x.data.mul_(2)
        y.backward()
    _close(ex.grad, tx.grad)


def _attention_block(lib, x, wq, wk, wv, w_out, gamma, targets):
    """A transformer-style block written with primitives: attention, a GELU (erf), layer norm
    (mean/var), a residual, cross-entropy via log_softmax + gather."""
    q, k, v = x @ wq, x @ wk, x @ wv
    scores = (q @ k.transpose(-2, -1)) / q.shape[-1] ** 0.5
    mask = lib.ones(x.shape[1], x.shape[1]).tril() == 0
    attn = scores.masked_fill(mask, -1e9).softmax(-1)
    h = attn @ v
    h = h * 0.5 * (1 + (h / 2**0.5).erf())
    h = (h - h.mean(-1, keepdim=True)) / (h.var(-1, keepdim=True, correction=0) + 1e-5).sqrt() * gamma + x
    logits = h.reshape(-1, h.shape[-1]) @ w_out
    logp = logits.log_softmax(-1)
    return -logp.gather(1, targets.unsqueeze(1)).mean()


def test_a_composite_model_matches_torch_in_loss_and_every_gradient():
    rng = np.random.default_rng(1)
    shapes = [(2, 5, 4), (4, 4), (4, 4), (4, 4), (4, 3), (4,)]
    arrays = [rng.standard_normal(s) * 0.5 for s in shapes]
    targets = rng.integers(0, 3, size=10)
    results = []
    for lib in (ember, torch):
        params = [lib.tensor(a, requires_grad=True) for a in arrays]
        loss = _attention_block(lib, *params, lib.tensor(targets))
        loss.backward()
        results.append([loss] + [p.grad for p in params])
    for e, t in zip(*results):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("pieces", [
    lambda t: t.split(2, 1), lambda t: t.split([1, 3], 1), lambda t: t.chunk(3, 0), lambda t: t.unbind(1),
], ids=["split", "split_with_sizes", "chunk", "unbind"])
def test_multi_output_views_are_one_node_and_refuse_in_place_writes(pieces):
    """split/chunk/unbind make one node with an output per piece (torch's SplitBackward0...):
    unused pieces get zeros, second derivatives flow through it, and an in-place write into a
    piece is refused with torch's error."""
    ex, tx = _pair(np.arange(12.0).reshape(3, 4) / 7)
    grads = []
    for x in (ex, tx):
        p = pieces(x * x)
        y = (p[0] * p[-1].sum()).sum()  # the middle pieces unused
        (g,) = (ember if x is ex else torch).autograd.grad(y, x, create_graph=True)
        (gg,) = (ember if x is ex else torch).autograd.grad(g.sum(), x)
        grads.append((p, g.detach().numpy(), gg.numpy()))
    (ep, eg, egg), (tp, tg, tgg) = grads
    assert len({id(t.grad_fn) for t in ep}) == 1 and ep[0].grad_fn.name() == tp[0].grad_fn.name()
    assert [t._output_nr for t in ep] == [t.output_nr for t in tp]
    np.testing.assert_allclose(eg, tg, rtol=1e-12)
    np.testing.assert_allclose(egg, tgg, rtol=1e-12)
    assert_same_raise(lambda: pieces(ex * 1)[0].mul_(2), lambda: pieces(tx * 1)[0].mul_(2), "modified inplace")
    with ember.no_grad():
        pieces(ex)[0].zero_()  # outside a graph the pieces are plain views of x
    assert ex.detach().numpy()[0, 0] == 0


@pytest.mark.parametrize("write", [
    lambda v, x: v.copy_(x * 3),
    lambda v, x: v.add_(x),
    lambda v, x: v.mul_(x),
    lambda v, x: v.__setitem__(0, x[1] * 2),
], ids=["copy_", "add_", "mul_", "setitem"])
@pytest.mark.parametrize("view", [lambda b: b[1:3], lambda b: b.view(2, 2)[0], lambda b: b.t()[0] if b.ndim == 2 else b[:2]])
def test_writing_through_a_view_of_a_tensor_without_grad_gives_the_base_history(write, view):
    """base needs no gradient; a value that does is written into it through a view: the base
    now has a CopySlices history and the gradient reaches the value, as in torch."""
    results = []
    for lib in (ember, torch):
        base = lib.arange(1.0, 5.0, dtype=lib.float64)
        x = lib.tensor([0.5, -2.0], dtype=lib.float64, requires_grad=True)
        write(view(base), x)
        w = lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64)
        (base * w).sum().backward()
        results.append((base.detach().numpy().copy(), base.requires_grad, type(base.grad_fn).__name__, x.grad.numpy().copy()))
    (eb, er, en, eg), (tb, tr, tn, tg) = results
    np.testing.assert_array_equal(eb, tb)
    assert er == tr and en == tn == "CopySlices"
    np.testing.assert_allclose(eg, tg, rtol=1e-12)


@pytest.mark.parametrize("pieces", [lambda b: b.split(2), lambda b: b.unbind(0), lambda b: b.chunk(2)[1:]])
def test_a_recorded_write_into_a_piece_of_a_tensor_without_grad_is_refused(pieces):
    """torch refuses to write a value that needs a gradient into a piece of split/unbind/chunk
    (even of a base that needs none, and through a further view of the piece); plain writes
    are fine."""
    for lib in (ember, torch):
        base = lib.zeros(4)
        piece = pieces(base)[0]
        piece.copy_(lib.ones(piece.shape))
        assert base.sum().item() == piece.numel()
    def write(lib, through_view):
        base = lib.zeros(4)
        piece = pieces(base)[0]
        target = piece[...] if through_view else piece
        target.copy_(lib.ones(target.shape, requires_grad=True))
    for through_view in (False, True):
        assert_same_raise(lambda: write(ember, through_view), lambda: write(torch, through_view), "multiple views")


@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0], [4.0]], ids=["per-index", "broadcast"])
@pytest.mark.parametrize("accumulate, rows", [(False, [0, 2, 1]), (True, [0, 2, 1]), (True, [0, 2, 0])],
                         ids=["put", "accumulate", "accumulate-repeated"])
def test_index_put_matches_torch(accumulate, values, rows):
    """index_put (and index_put_ on a non-leaf): values written or, with accumulate, added at
    the indices (a repeated index adding twice); the gradients of the input and the values.
    (Which of two plain writes to one place wins is undefined in torch: not compared.)"""
    results = []
    for lib in (ember, torch):
        x = lib.tensor(np.arange(12.0).reshape(3, 4) / 5, requires_grad=True)
        v = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        idx = (lib.tensor(rows), lib.tensor([1, 3, 1]))
        y = x.index_put(idx, v, accumulate=accumulate)
        z = (x * 1).index_put_(idx, v * 2, accumulate=accumulate)
        w = lib.tensor(np.arange(12.0).reshape(3, 4) ** 2)
        ((y + z) * w).sum().backward()
        results.append((y.detach().numpy(), z.detach().numpy(), x.grad.numpy(), v.grad.numpy(), y.grad_fn.name()))
    (ey, ez, egx, egv, en), (ty, tz, tgx, tgv, tn) = results
    for e, t in ((ey, ty), (ez, tz), (egx, tgx), (egv, tgv)):
        np.testing.assert_allclose(e, t, rtol=1e-12)
    assert en == tn
