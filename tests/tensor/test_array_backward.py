"""The engine's array path: without `create_graph`, gradients travel as NumPy arrays and ops
with a `backward_arrays` rule run it on arrays. Everything observable must stay as torch has
it: gradient dtypes (float16/float32 must not widen through NumPy's promotion of float64
scalars or 0-d arrays), 0-d gradients as 0-d Tensors, no `.grad` sharing memory with anything
else, hooks, retain_grad, non-leaf `inputs`, anomaly mode, user Functions mixed with array rules
and the in-place checks.

Each op runs between a leaf and the loss as `op(leaf * 1.0)`, and the intermediate `leaf * 1.0`
keeps its gradient: the leaf's `.grad` is cast to the leaf's dtype on arrival, so only the
intermediate shows a rule that let a gradient widen."""

from __future__ import annotations

import itertools
import warnings
from typing import Any, Callable, Sequence

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import ember.nn.functional as EF
from ember import autograd

from tolerances import EXACT, TOLERANCES, TRANSCENDENTAL
from .conftest import TOLERANCE, assert_tensor_like_torch

FLOATS = ("float16", "float32", "float64")


def _run(lib: Any, fn: Callable, arrays: Sequence[np.ndarray], dtype: str) -> tuple[list, list, list]:
    """Leaves, their `leaf * 1.0` intermediates and fn's differentiable outputs, after the
    backward of sum(out * c) with a fixed random c per output."""
    leaves = [lib.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    mids = [x * 1.0 for x in leaves]
    for m in mids:
        m.retain_grad()
    result = fn(lib, *mids)
    outs = [o for o in (result if isinstance(result, (tuple, list)) else [result]) if o.requires_grad]
    rng = np.random.default_rng(0)
    loss = 0
    for o in outs:
        o.retain_grad()
        loss = loss + (o * lib.tensor(rng.uniform(-1, 1, tuple(o.shape)).astype(dtype))).sum()
    loss.backward()
    return leaves, mids, outs


def _compare(fn: Callable, arrays: Sequence[np.ndarray], dtype: str, tolerance: dict = TOLERANCE) -> None:
    """fn's gradients (leaves, intermediates, outputs) as torch's: dtype, shape and values, each
    held in a NumPy array (a 0-d gradient is a 0-d Tensor, not a NumPy scalar)."""
    rtol, atol = tolerance[dtype]
    mine, theirs = _run(ember, fn, arrays, dtype), _run(torch, fn, arrays, dtype)
    for kind, es, ts in zip(("leaf", "intermediate", "output"), mine, theirs):
        assert len(es) == len(ts)
        for i, (e, t) in enumerate(zip(es, ts)):
            assert (e.grad is None) == (t.grad is None), f"{kind} {i}: grad {e.grad} vs torch {t.grad}"
            if t.grad is not None:
                assert type(e.grad.numpy()) is np.ndarray, f"{kind} {i}: grad holds a {type(e.grad.numpy())}"
                assert_tensor_like_torch(e.grad, t.grad, rtol, atol, f"{dtype} {kind} {i} grad")


_rng = np.random.default_rng(7)
A = _rng.uniform(0.5, 2.0, (3, 4))
B = _rng.uniform(0.5, 2.0, (4,))
S = np.array(1.3)
S2 = np.array(0.7)
X4 = _rng.uniform(-1.0, 1.0, (2, 3, 6, 6))
W4 = _rng.uniform(-1.0, 1.0, (4, 3, 3, 3))


M = _rng.uniform(-1.0, 1.0, (3, 4, 5))


def _F(lib: Any) -> Any:
    return EF if lib is ember else TF


def _set(t: Any, key: Any, value: Any) -> Any:
    t[key] = value
    return t


_T = [[0, 3, 1]]
CASES: dict[str, tuple[Callable, list]] = {
    # arithmetic: tensors, broadcasting, 0-d tensors, Python-scalar operands
    "add": (lambda L, a, b: a + b, [A, B]),
    "sub": (lambda L, a, b: a - b, [A, B]),
    "mul": (lambda L, a, b: a * b, [A, B]),
    "div": (lambda L, a, b: a / b, [A, B]),
    "add_0d": (lambda L, a, s: a + s, [A, S]),
    "mul_0d": (lambda L, a, s: a * s, [A, S]),
    "rdiv_0d": (lambda L, a, s: s / a, [A, S]),
    "rsub_0d": (lambda L, a, s: s - a, [A, S]),
    "mul_0d_0d": (lambda L, s, t: s * t, [S, S2]),
    "div_0d_0d": (lambda L, s, t: s / t, [S, S2]),
    "sub_0d_0d": (lambda L, s, t: s - t, [S, S2]),
    "mul_scalar": (lambda L, a: a * 2.5, [A]),
    "rdiv_scalar": (lambda L, a: 2.5 / a, [A]),
    "sub_int": (lambda L, a: a - 1, [A]),
    "rsub_int": (lambda L, a: 1 - a, [A]),
    "div_int": (lambda L, a: a / 3, [A]),
    "add_alpha": (lambda L, a: a.add(a * a, alpha=0.5), [A]),
    "mul_numpy_float64": (lambda L, a: a * np.float64(2.5), [A]),
    "0d_mul_scalar": (lambda L, s: s * 2.5, [S]),
    "0d_rdiv_scalar": (lambda L, s: 2.5 / s, [S]),
    "0d_sub_int": (lambda L, s: s - 1, [S]),
    "0d_neg": (lambda L, s: -s, [S]),
    "neg": (lambda L, a: -a, [A]),
    # unary
    **{u: (lambda L, a, u=u: getattr(a, u)(), [A]) for u in ("exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "tan", "tanh", "sigmoid", "relu")},
    **{f"0d_{u}": (lambda L, s, u=u: getattr(s, u)(), [S]) for u in ("exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "relu")},
    "clamp": (lambda L, a: a.clamp(0.8, 1.5), [A]),
    "clamp_int_bounds": (lambda L, a: a.clamp(1, 2), [A]),
    "0d_clamp": (lambda L, s: s.clamp(min=0.8), [S]),
    # reductions and softmax
    "sum": (lambda L, a: a.sum(), [A]),
    "sum_dim": (lambda L, a: a.sum(1), [A]),
    "sum_keepdim": (lambda L, a: a.sum(0, keepdim=True), [A]),
    "mean": (lambda L, a: a.mean(), [A]),
    "mean_dim": (lambda L, a: a.mean(1), [A]),
    "0d_sum": (lambda L, s: s.sum(), [S]),
    "0d_mean": (lambda L, s: s.mean(), [S]),
    "softmax": (lambda L, a: a.softmax(1), [A]),
    "log_softmax": (lambda L, a: a.log_softmax(0), [A]),
    "0d_softmax": (lambda L, s: s.softmax(0), [S]),
    "0d_log_softmax": (lambda L, s: s.log_softmax(0), [S]),
    # shape
    "reshape": (lambda L, a: a.reshape(2, 6), [A]),
    "expand": (lambda L, a: a.expand(2, 4), [B[None]]),
    "permute": (lambda L, a: a.permute(1, 0), [A]),
    "t": (lambda L, a: a.t(), [A]),
    "squeeze": (lambda L, a: a.squeeze(), [A[None]]),
    "unsqueeze": (lambda L, a: a.unsqueeze(0), [A]),
    "0d_unsqueeze": (lambda L, s: s.unsqueeze(0), [S]),
    "to_0d": (lambda L, a: a.reshape(()), [np.array([2.0])]),
    "clone": (lambda L, a: a.clone(), [A]),
    "cat": (lambda L, a, b: L.cat([a, b[None]]), [A, B]),
    "stack_0d": (lambda L, s, t: L.stack([s, t]), [S, S2]),
    "split": (lambda L, a: a.split(2, 1), [A]),
    "split_one_used": (lambda L, a: a.split(2, 1)[0], [A]),
    "split_sizes": (lambda L, a: a.split([1, 3], 1), [A]),
    "unbind_one_used": (lambda L, a: a.unbind(0)[1], [A]),
    "max_dim_values": (lambda L, a: a.max(1)[0], [A]),
    "max_1d_values": (lambda L, b: b.max(0)[0], [B]),
    "unbind_1d_two_of_four": (lambda L, b: (lambda p: p[0] * p[3])(b.unbind(0)), [B]),
    "stack_0d_pieces": (lambda L, b: L.stack(b.unbind(0)[1:3]), [B]),
    "cat_0d_unsqueezed": (lambda L, s, t: L.cat([s.unsqueeze(0), t.reshape(1)]), [S, S2]),
    "select_times_select": (lambda L, a: a[1][2] * a[0][0], [A]),
    # indexing
    "select_0d": (lambda L, a: a[1, 2], [A]),
    "slice": (lambda L, a: a[:, 1:3], [A]),
    "index_repeats": (lambda L, a: a[[0, 0, 2]], [A]),
    "where": (lambda L, a, b: L.where(a > 1, a, b), [A, B]),
    "where_scalar": (lambda L, a: L.where(a > 1, a, 0.5), [A]),
    "0d_where_scalar": (lambda L, s: L.where(s > 1, s, 0.5), [S]),
    "masked_fill": (lambda L, a: a.masked_fill(a > 1, 0.5), [A]),
    "gather": (lambda L, a: a.gather(1, L.tensor([[0, 0], [1, 3], [2, 2]])), [A]),
    "gather_dim0": (lambda L, m: m.gather(0, L.tensor([[[2, 0, 1, 1, 0]] * 4])), [M]),
    "bool_mask": (lambda L, a: a[a > 1.2], [A]),
    "tensor_index_repeats": (lambda L, a: a[L.tensor([2, 0, 2, -1])], [A]),
    "tensor_index_0d": (lambda L, a: a[L.tensor(1)], [A]),
    "two_tensor_indices": (lambda L, a: a[L.tensor([0, 2, 2]), L.tensor([1, 1, 3])], [A]),
    "slice_and_tensor_index": (lambda L, m: m[:, L.tensor([0, 0, 3])], [M]),
    "none_ellipsis_tensor_index": (lambda L, m: m[None, ..., L.tensor([1, 4])], [M]),
    "negative_ints": (lambda L, m: m[-1, :, -2], [M]),
    "stepped_slices": (lambda L, m: m[::2, 1::2], [M]),
    "index_select": (lambda L, a: a.index_select(1, L.tensor([3, 0, 3])), [A]),
    "setitem_slice": (lambda L, a, b: _set(a * 1, (slice(None), 1), b[:3]), [A, B]),
    "setitem_mask_0d": (lambda L, a, s: _set(a * 1, a > 1, s), [A, S]),
    "setitem_tensor_index": (lambda L, a, b: _set(a * 1, L.tensor([0, 2]), b), [A, B]),
    "masked_fill_0d_value": (lambda L, a, s: a.masked_fill(a > 1, s), [A, S]),
    "where_0d_0d": (lambda L, s, t: L.where(s > t, s, t), [S, S2]),
    "chunk_last_used": (lambda L, m: m.chunk(3, 2)[2], [M]),
    "view_t": (lambda L, m: m.view(5, 12).t(), [M]),
    "expand_0d": (lambda L, s: s.expand(3, 2), [S]),
    # linear algebra
    "matvec": (lambda L, a, b: a @ b, [A, B]),
    "matmul": (lambda L, a, b: a @ b, [A, A.T]),
    "dot": (lambda L, a, b: a @ b, [B, B * 2]),
    "vecmat": (lambda L, a, b: b @ a, [A, B[:3]]),
    "linear": (lambda L, x, w, b: _F(L).linear(x, w, b), [A, A[:2] * 0.5, B[:2]]),
    "linear_1d": (lambda L, x, w, b: _F(L).linear(x, w, b), [B, A[:2] * 0.5, B[:2]]),
    # losses
    "cross_entropy": (lambda L, x: _F(L).cross_entropy(x, L.tensor(_T[0])), [A]),
    "cross_entropy_smoothing": (lambda L, x: _F(L).cross_entropy(x, L.tensor(_T[0]), label_smoothing=0.1), [A]),
    "cross_entropy_none": (lambda L, x: _F(L).cross_entropy(x, L.tensor(_T[0]), reduction="none"), [A]),
    "cross_entropy_1d": (lambda L, x: _F(L).cross_entropy(x, L.tensor(2)), [B]),
    "nll_ignore": (lambda L, x: _F(L).nll_loss(x, L.tensor([0, -100, 1])), [A]),
    # pooling and padding
    "max_pool2d": (lambda L, x: _F(L).max_pool2d(x, 3, 2, 1), [X4]),
    "avg_pool2d": (lambda L, x: _F(L).avg_pool2d(x, 3, 2, 1, count_include_pad=False), [X4]),
    "adaptive_avg_pool2d": (lambda L, x: _F(L).adaptive_avg_pool2d(x, (4, 3)), [X4]),
    **{f"pad_{m}": (lambda L, x, m=m: _F(L).pad(x, (1, 2, 2, 1), mode=m), [X4]) for m in ("reflect", "replicate", "circular")},
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_array_backward_grads_match_torch(name: str, dtype: str) -> None:
    fn, arrays = CASES[name]
    _compare(fn, arrays, dtype)


@pytest.mark.parametrize("dtype", ("float32", "float64"))
@pytest.mark.parametrize("name", ["conv2d", "conv1d", "conv_transpose2d"])
def test_array_backward_conv_grads_match_torch(name: str, dtype: str) -> None:
    cases = {
        "conv2d": (lambda L, x, w, b: _F(L).conv2d(x, w, b, padding=1, stride=2), [X4, W4, B]),
        "conv1d": (lambda L, x, w: _F(L).conv1d(x, w), [X4[:, :, 0], W4[:, :, 0]]),
        "conv_transpose2d": (lambda L, x, w: _F(L).conv_transpose2d(x, w, stride=2), [X4[:, :, :3, :3], W4.transpose(1, 0, 2, 3)]),
    }
    fn, arrays = cases[name]
    _compare(fn, arrays, dtype)


_CONSTANT_DTYPES = ("float16", "float32", "float64", "int64", "int32", "uint8", "bool")
_MIXED = {
    "mul": lambda a, c: a * c,
    "rmul": lambda a, c: c * a,
    "add": lambda a, c: a + c,
    "div": lambda a, c: a / c,
    "rdiv": lambda a, c: c / a,
    "sub": lambda a, c: a - c,
    "rsub": lambda a, c: c - a,
    "where": lambda a, c: (ember if isinstance(a, ember.Tensor) else torch).where(a > 1, a, c),
}


@pytest.mark.parametrize("shape", ["0d", "1d"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    "op, const_dtype",
    # torch refuses to subtract a bool tensor (test_errors checks that ember does too)
    [(op, c) for op in sorted(_MIXED) for c in _CONSTANT_DTYPES if not (c == "bool" and op in ("sub", "rsub"))],
)
def test_constant_of_another_dtype(op: str, dtype: str, const_dtype: str, shape: str) -> None:
    """A float leaf against a constant of another dtype: promotion picks the result dtype, and the
    gradient comes back through the cast in the leaf's dtype."""
    value = np.array(True) if const_dtype == "bool" else np.array(2.0)
    if shape == "1d":
        value = (B > 1) | (op in ("div", "rdiv")) if const_dtype == "bool" else (B * 2).round()
    f = _MIXED[op]
    ce, ct = ember.tensor(value.astype(const_dtype)), torch.tensor(value.astype(const_dtype))
    _compare(lambda L, a: f(a, ce if L is ember else ct), [A], dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_integer_tensor_promoted_against_a_float_leaf(dtype: str) -> None:
    for f in (lambda a, i: a * i, lambda a, i: i / a, lambda a, i: a / i, lambda a, i: i - a):
        _compare(lambda L, a: f(a, L.tensor([1, 2, 3])), [A[0, :3]], dtype)


# hypothesis: chains of marked ops

_UNARY = {
    "exp": lambda x: (x * 0.5).exp(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "sqrt": lambda x: (x * x + 1).sqrt(),
    "log1p": lambda x: (x * x).log1p(),
    "rsqrt": lambda x: (x * x + 1.0).rsqrt(),
    "clamp": lambda x: x.clamp(-0.5, 0.5),
    "neg": lambda x: -x,
    "scale": lambda x: x * 1.5 - 0.25,
    "rdiv": lambda x: 1.0 / (x * x + 1),
    "softmax": lambda x: x.softmax(-1) if x.ndim else x.softmax(0),
    "log_softmax": lambda x: x.log_softmax(0),
    "mean_keep": lambda x: x - x.mean(0, keepdim=True) if x.ndim else x - x.mean(),
    "transpose": lambda x: x.t() if x.ndim == 2 else x,
    "flat": lambda x: x.reshape(-1).reshape(x.shape),
    "cat_self": lambda x: (x.unsqueeze(0).expand(2, *x.shape) * 1.0).sum(0),
}
# the links torch computes with the same IEEE operations in the same order; a chain with any
# other (libm functions, softmax's and mean's sums) is held to the rounded class
_EXACT_LINKS = {"relu", "clamp", "neg", "scale", "transpose", "flat", "cat_self"}


@settings(max_examples=40, deadline=None)
@given(
    shape=st.sampled_from([(), (1,), (3,), (2, 3), (4, 1)]),
    dtype=st.sampled_from(FLOATS),
    chain=st.lists(st.sampled_from(sorted(_UNARY)), min_size=1, max_size=5),
    reduce=st.sampled_from(["sum", "mean", "none"]),
    seed=st.integers(0, 2**16),
)
def test_chains_of_marked_ops_match_torch(shape: tuple, dtype: str, chain: list, reduce: str, seed: int) -> None:
    x = np.random.default_rng(seed).uniform(-1.5, 1.5, shape)

    def fn(L: Any, a: Any) -> Any:
        for name in chain:
            a = _UNARY[name](a)
        return a if reduce == "none" else getattr(a, reduce)()

    exact = set(chain) <= _EXACT_LINKS
    _compare(fn, [x], dtype, TOLERANCES[EXACT if exact else TRANSCENDENTAL])


# 0-d gradients

@pytest.mark.parametrize("dtype", FLOATS)
def test_zero_dim_leaf_grads_are_zero_dim_tensors(dtype: str) -> None:
    def run(L: Any) -> list:
        x = L.tensor(0.5, dtype=getattr(L, dtype), requires_grad=True)
        y = L.tensor(2.0, dtype=getattr(L, dtype), requires_grad=True)
        z = x
        for _ in range(3):
            z = (z.tanh() + x * 0.5 - y / 4).sigmoid().sqrt().clamp(0.1, 2) * y
        z.backward()
        return [x.grad, y.grad]

    rtol, atol = TOLERANCE[dtype]
    for e, t in zip(run(ember), run(torch)):
        assert type(e.numpy()) is np.ndarray and e.shape == ()
        assert_tensor_like_torch(e, t, rtol, atol, "0-d grad")


def test_autograd_grad_of_zero_dim_non_leaf_is_a_zero_dim_tensor() -> None:
    x = ember.tensor(1.5, dtype=ember.float16, requires_grad=True)
    y = x.exp()
    (gy, gx) = autograd.grad((y * 2).sigmoid(), [y, x])
    tx = torch.tensor(1.5, dtype=torch.float16, requires_grad=True)
    ty = tx.exp()
    (hy, hx) = torch.autograd.grad((ty * 2).sigmoid(), [ty, tx])
    for e, t in ((gy, hy), (gx, hx)):
        assert type(e.numpy()) is np.ndarray
        assert_tensor_like_torch(e, t, *TOLERANCE["float16"])


# the dtype of a given gradient: torch casts it to the output's dtype before anything sees it

@pytest.mark.parametrize("grad_dtype", ["float16", "float64", "int64", "bool"])
def test_backward_casts_the_given_gradient_to_the_output_dtype(grad_dtype: str) -> None:
    def run(L: Any) -> list:
        x = L.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        seen = []
        y.register_hook(lambda g: seen.append(g.clone()))
        w = (y * 2).tanh()
        w.retain_grad()
        w.backward(L.tensor([1, 0, 1], dtype=getattr(L, grad_dtype)))
        return [w.grad, y.grad, seen[0], x.grad]

    for e, t in zip(run(ember), run(torch)):
        assert_tensor_like_torch(e, t, *TOLERANCE["float32"])


@pytest.mark.parametrize("create_graph", [False, True])
def test_autograd_grad_casts_grad_outputs_to_the_output_dtype(create_graph: bool) -> None:
    def run(L: Any) -> tuple:
        x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        z = x.exp()
        return L.autograd.grad(z, [z, x], L.tensor([1.0, 0.5, 2.0], dtype=L.float64), create_graph=create_graph)

    for e, t in zip(run(ember), run(torch)):
        assert_tensor_like_torch(e, t, *TOLERANCE["float32"])


# aliasing: no gradient shares memory with another, with a live tensor or with a given gradient

def _assert_disjoint(*tensors: Any) -> None:
    arrays = [t.detach().numpy() if isinstance(t, ember.Tensor) else t for t in tensors]
    for (i, a), (j, b) in itertools.combinations(enumerate(arrays), 2):
        assert not np.shares_memory(a, b), f"tensors {i} and {j} share memory"


SHAPES = [(3, 4), (40, 40)]  # small gradients are summed in a queue, large ones in place


def _leaf(shape: tuple, seed: int = 0) -> Any:
    return ember.tensor(np.random.default_rng(seed).uniform(1, 2, shape), requires_grad=True)


_SHARING = {
    "add": lambda L, x, y: x + y,
    "sub": lambda L, x, y: x - y,
    "x+x": lambda L, x, y: x + x,
    "reshape": lambda L, x, y: x.reshape(-1) + y.reshape(-1),
    "t": lambda L, x, y: x.t() * 1 + y.t(),
    "clone": lambda L, x, y: x.clone() + y,
    "mul1": lambda L, x, y: x * 1 + y * 1,
    "slice": lambda L, x, y: x[:] + y[:],
    "cat": lambda L, x, y: L.cat([x, y]),
    "stack": lambda L, x, y: L.stack([x, y]),
    "cat_self": lambda L, x, y: L.cat([x, x, y]),
    "unbind": lambda L, x, y: L.stack(x.unbind(0)[:2] + y.unbind(0)[1:]),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("op", sorted(_SHARING))
def test_grads_share_no_memory(op: str, shape: tuple) -> None:
    """Twice, so that the second backward adds into the first's .grad: neither the given gradient
    nor an input nor the other .grad may change or be shared. The sums are twice torch's single
    backward (torch itself lets x.grad and y.grad of `x.reshape(-1) + y.reshape(-1)` both steal
    views of the given gradient, so its second backward counts the shared memory twice)."""
    fn = _SHARING[op]
    x, y = _leaf(shape, 0), _leaf(shape, 1)
    tx, ty = (torch.tensor(t.detach().numpy(), requires_grad=True) for t in (x, y))
    t_out = fn(torch, tx, ty)
    t_grads = torch.autograd.grad(t_out, [tx, ty], torch.ones(t_out.shape, dtype=torch.float64), allow_unused=True)
    for k in (1, 2):
        out = fn(ember, x, y)
        gradient = ember.ones(out.shape, dtype=ember.float64)
        out.backward(gradient)
        _assert_disjoint(*[g for g in (x.grad, y.grad) if g is not None], gradient, x, y, out)
        np.testing.assert_array_equal(gradient.numpy(), 1.0)
        for leaf, t_grad in zip((x, y), t_grads):
            if t_grad is None:
                assert leaf.grad is None
            else:
                assert_tensor_like_torch(leaf.grad, t_grad * k, *TOLERANCE["float64"], f"grad after {k} backward")


@pytest.mark.parametrize("shape", SHAPES)
def test_autograd_grad_results_share_no_memory(shape: tuple) -> None:
    x, y = _leaf(shape, 0), _leaf(shape, 1)
    gradient = ember.ones(shape, dtype=ember.float64)
    gx, gy = autograd.grad(x + y, [x, y], gradient)
    _assert_disjoint(gx, gy, gradient, x, y)
    z = x.reshape(-1)
    w = z.reshape(shape)
    for inputs in ([z, x], [x, z]):
        _assert_disjoint(*autograd.grad(w.sum(), inputs, retain_graph=True))
    c = x.clone()
    (gc,) = autograd.grad(c, [c], gradient)
    _assert_disjoint(gc, gradient, c, x)
    gc, gx = autograd.grad(c, [c, x], gradient)
    _assert_disjoint(gc, gx, gradient, c, x)


@pytest.mark.parametrize("shape", SHAPES)
def test_retained_and_hooked_grads_share_no_memory(shape: tuple) -> None:
    x = _leaf(shape)
    y = x * 1
    a = y.clone()
    b = y * 2
    a.retain_grad()
    seen = []
    a.register_hook(seen.append)
    (a.sum() + b.sum()).backward()
    _assert_disjoint(a.grad, seen[0], x.grad, x, y)
    np.testing.assert_array_equal(a.grad.numpy(), 1.0)
    np.testing.assert_array_equal(seen[0].numpy(), 1.0)
    np.testing.assert_array_equal(x.grad.numpy(), 3.0)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", ["tensor", "view", "detached"])
@pytest.mark.parametrize("on_leaf", [False, True])
def test_hook_returning_a_live_tensor_is_not_stolen(shape: tuple, kind: str, on_leaf: bool) -> None:
    x = _leaf(shape)
    keep = ember.full(shape, 2.0, dtype=ember.float64)
    replacement = {"tensor": lambda: keep, "view": lambda: keep.reshape(-1).reshape(shape), "detached": lambda: keep.detach()}[kind]
    target = x if on_leaf else x * 1
    target.register_hook(lambda g: replacement())
    (target * 1).sum().backward()
    _assert_disjoint(x.grad, keep)
    np.testing.assert_array_equal(x.grad.numpy(), 2.0)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(keep.numpy(), 2.0)
    np.testing.assert_array_equal(x.grad.numpy(), 2.0 + (2.0 if on_leaf else 3.0))


def test_user_function_passing_its_gradient_through_is_copied_per_leaf() -> None:
    class Identity(autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.clone()

        @staticmethod
        def backward(ctx, g):
            return g

    x, y = _leaf((40, 40), 0), _leaf((40, 40), 1)
    gradient = ember.ones(40, 40, dtype=ember.float64)
    (Identity.apply(x) + Identity.apply(y)).backward(gradient)
    _assert_disjoint(x.grad, y.grad, gradient)


def test_assigned_grad_is_accumulated_in_place() -> None:
    x = _leaf((3, 4))
    x.grad = ember.ones(3, 4, dtype=ember.float64)
    held = x.grad
    (x * 2).sum().backward()
    assert x.grad is held
    np.testing.assert_array_equal(held.numpy(), 3.0)


# hooks, retain_grad, retain_graph then create_graph, inputs=, anomaly, user Functions, in-place

def _both(fn: Callable[[Any], list], rtol: float = TOLERANCE["float64"][0], atol: float = TOLERANCE["float64"][1]) -> None:
    for e, t in zip(fn(ember), fn(torch)):
        assert_tensor_like_torch(e, t, rtol, atol)


def test_hook_replacing_an_intermediate_grad() -> None:
    def run(L: Any) -> list:
        x = L.tensor([1.0, -2.0, 0.5], dtype=L.float64, requires_grad=True)
        z = x * 2
        z.register_hook(lambda g: g * 10)
        ((z.exp() * 0.5).sum()).backward()
        return [x.grad]

    _both(run)


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_hooks_see_gradients_in_the_tensor_dtype(dtype: str) -> None:
    def run(L: Any) -> list:
        x = L.tensor([1.0, -2.0, 0.5], dtype=getattr(L, dtype), requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g) or g + 1)
        y = x * 2.5 + x.sigmoid() / 3
        y.register_hook(lambda g: seen.append(g))
        (y * y).sum().backward()
        return [x.grad] + seen

    _both(run, *TOLERANCE[dtype])


def test_retain_grad_on_pieces_of_a_multi_output_op() -> None:
    def run(L: Any) -> list:
        x = L.arange(6.0, dtype=L.float64).reshape(2, 3).requires_grad_()
        a, b, c = x.unbind(1)
        a.retain_grad()
        b.retain_grad()
        (a * b).sum().backward()
        p = x.split(1, 0)
        p[1].retain_grad()
        (p[1] * 3).sum().backward()
        v, _ = x.max(0)
        v.sum().backward()
        return [x.grad, a.grad, b.grad, p[1].grad]

    _both(run)


def test_retain_graph_then_create_graph_on_the_same_graph() -> None:
    def run(L: Any) -> list:
        x = L.tensor([0.3, -1.2, 2.0], dtype=L.float64, requires_grad=True)
        y = (x.tanh() * x.exp() / (x * x + 1)).softmax(0).log().sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        (g,) = L.autograd.grad(y, x, create_graph=True)
        assert g.requires_grad
        (g * g).sum().backward()
        return [first, g, x.grad]

    _both(run)


def test_create_graph_then_array_backward_of_the_gradient() -> None:
    def run(L: Any) -> list:
        x = L.tensor([0.3, -1.2, 2.0], dtype=L.float64, requires_grad=True)
        (g,) = L.autograd.grad((x.exp() * x.sigmoid()).sum(), x, create_graph=True)
        g.sum().backward()
        return [g, x.grad]

    _both(run)


def test_backward_inputs_with_non_leaf_inputs() -> None:
    def run(L: Any) -> list:
        x = L.tensor([1.0, -2.0, 3.0], dtype=L.float64, requires_grad=True)
        y = x * 2
        (y.sin() * y).sum().backward(inputs=[y], retain_graph=True)
        assert x.grad is None
        (y * y).sum().backward(inputs=[y, x], retain_graph=True)
        (y * 3).sum().backward(inputs=[y])
        grads = [x.grad.clone(), y.grad.clone()]
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            (y * 3).sum().backward(inputs=[y])  # torch runs (and frees) a non-leaf input's node
        return grads

    _both(run)


def test_backward_inputs_non_leaf_grad_is_a_copy() -> None:
    x = _leaf((40, 40))
    y = x * 2
    gradient = ember.ones(40, 40, dtype=ember.float64)
    y.backward(gradient, inputs=[y])
    _assert_disjoint(y.grad, gradient, y, x)


def test_detect_anomaly_names_the_node_on_array_gradients() -> None:
    x = ember.tensor([1.0, -2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output"):
        with autograd.detect_anomaly():
            (x.sqrt() * 2).sum().backward()

    def run(L: Any) -> list:
        x = L.tensor([1.0, 2.0, 3.0], dtype=L.float64, requires_grad=True)
        with L.autograd.detect_anomaly():
            (x.sqrt() * 2).log_softmax(0).sum().backward()
        return [x.grad]

    with pytest.warns(UserWarning):
        _both(run)


def test_user_functions_between_marked_ops_get_tensors() -> None:
    def run(L: Any) -> list:
        class Square(L.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.save_for_backward(a)
                return a * a

            @staticmethod
            def backward(ctx, g):
                (a,) = ctx.saved_tensors
                assert isinstance(g, L.Tensor) and isinstance(a, L.Tensor)
                return 2 * a * g

        class Two(L.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2, a * 3

            @staticmethod
            def backward(ctx, g1, g2):
                assert g1 is not None and g2 is not None  # the unused output's gradient is zeros
                return g1 * 2 + g2 * 3

        x = L.tensor([0.5, -1.0, 2.0], dtype=L.float16, requires_grad=True)
        a, _ = Two.apply(Square.apply(x * 1.5).tanh())
        (a.sum() * 0.5).backward()
        return [x.grad]

    _both(run, *TOLERANCE["float16"])


_INPLACE = {
    "exp_output": lambda L, x: (lambda y: (y.add_(1), y))(x.exp())[1],
    "mul_input": lambda L, x: (lambda w: (lambda y: (w.mul_(2), y))(w * w))(x * 1)[1],
    "tanh_output": lambda L, x: (lambda y: (y.mul_(2), y))(x.tanh())[1],
    "relu_output": lambda L, x: (lambda y: (y.zero_(), y))(x.relu())[1],
    "softmax_output": lambda L, x: (lambda y: (y.__setitem__(0, 0.0), y))(x.softmax(0))[1],
    "log_input": lambda L, x: (lambda w: (lambda y: (w.add_(1), y))(w.log()))(x * 1)[1],
    "clamp_input": lambda L, x: (lambda w: (lambda y: (w.zero_(), y))(w.clamp(0, 2)))(x * 1)[1],
    "matmul_input": lambda L, x: (lambda w: (lambda y: (w.zero_(), y))(w @ w))(x * 1)[1],
    "view_of_input": lambda L, x: (lambda w: (lambda y: (w.__setitem__(0, 5.0), y))(w[1:] * w[:2]))(x * 1)[1],
}


@pytest.mark.parametrize("case", sorted(_INPLACE))
def test_in_place_change_after_forward_is_caught(case: str) -> None:
    for L in (torch, ember):
        x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        out = _INPLACE[case](L, x)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            out.sum().backward()


# numbers only: an op applied to no Tensor is a plain function of arrays inside ember, but the
# public functions still give a Tensor for Python numbers, as torch's do

@pytest.mark.parametrize(
    "name, a, b",
    [
        (name, a, b)
        for name in ("add", "sub", "mul", "div", "floor_divide")
        for a, b in ((2.0, 3.0), (2, 3), (2, 3.0), (2.5, True), (True, 2))
        if not (name == "sub" and bool in (type(a), type(b)))  # torch refuses to subtract bools
    ],
)
def test_binary_op_of_two_numbers_is_a_tensor(name: str, a: Any, b: Any) -> None:
    mine, theirs = getattr(ember, name)(a, b), getattr(torch, name)(a, b)
    assert_tensor_like_torch(mine, theirs, 1e-6, 0.0)


# a user Function's gradients are checked as torch's engine checks them

def _user_function(L: Any, grad_rule: Callable) -> Any:
    class Scale(L.autograd.Function):
        @staticmethod
        def forward(ctx, a, k):
            return a * k

        @staticmethod
        def backward(ctx, g):
            return grad_rule(g), None

    return Scale


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize(
    "rule",
    ["wider_dtype", "narrower_dtype", "broadcast_over_input", "broadcast_and_dtype"],
)
def test_user_function_gradient_is_cast_and_summed_to_its_input(rule: str, create_graph: bool) -> None:
    rules = {
        "wider_dtype": lambda g: (g * 2).double(),
        "narrower_dtype": lambda g: (g * 2).half(),
        "broadcast_over_input": lambda g: g.expand(4, 3, 2) * 0.5,
        "broadcast_and_dtype": lambda g: (g.expand(4, 3, 2) * 0.5).double(),
    }

    def run(L: Any) -> list:
        x = L.tensor(A[:, :2], dtype=L.float32, requires_grad=True)
        m = x * 1.0
        m.retain_grad()
        seen = []
        m.register_hook(seen.append)
        y = _user_function(L, rules[rule]).apply(m, 2.0).exp().sum()
        if create_graph:
            (g,) = L.autograd.grad(y, m, create_graph=True)
            return [g]
        y.backward()
        return [m.grad, x.grad] + seen

    _both(run, *TOLERANCE["float32"])


@pytest.mark.parametrize("bad", [lambda g: g.sum(), lambda g: g.sum(0), lambda g: g.reshape(-1), lambda g: g[:1]])
def test_user_function_gradient_of_a_wrong_shape_is_refused(bad: Callable) -> None:
    for L in (torch, ember):
        x = L.ones(3, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="returned an invalid gradient at index 0 - got"):
            _user_function(L, bad).apply(x * 1, 2.0).sum().backward()


# a masked-out position gets a zero gradient even when the incoming one is inf or nan (torch
# selects with where; a product with the 0/1 mask would give nan there)

_MASKED = {
    "relu": lambda L, x: x.relu(),
    "F.relu": lambda L, x: _F(L).relu(x),
    "clamp": lambda L, x: x.clamp(-0.5, 0.5),
    "clamp_min": lambda L, x: x.clamp(min=0.0),
    "clamp_max": lambda L, x: x.clamp(max=0.0),
    "where": lambda L, x: L.where(x > 0, x, 0.0),
    "masked_fill": lambda L, x: x.masked_fill(x < 0, 0.0),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(_MASKED))
def test_masked_out_positions_get_zero_even_for_inf_and_nan_gradients(name: str, dtype: str, create_graph: bool) -> None:
    values = np.array([-1.0, -0.25, 0.25, 1.0, -2.0, 2.0])
    incoming = np.array([np.inf, -np.inf, 1.0, np.nan, np.nan, np.inf])

    def run(L: Any) -> list:
        x = L.tensor(values, dtype=getattr(L, dtype), requires_grad=True)
        m = x * 1.0
        out = _MASKED[name](L, m)
        return list(L.autograd.grad(out, [m], L.tensor(incoming, dtype=getattr(L, dtype)), create_graph=create_graph))

    for e, t in zip(run(ember), run(torch)):
        assert_tensor_like_torch(e.detach(), t.detach(), *TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", FLOATS)
def test_anomaly_mode_checks_zero_dim_gradients(dtype: str) -> None:
    """0-d arithmetic on arrays gives NumPy scalars, which anomaly mode must read too."""
    for L in (torch, ember):
        x = L.tensor(-1.0, dtype=getattr(L, dtype), requires_grad=True)
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch warns that anomaly mode is on
                with L.autograd.detect_anomaly():
                    (x.sqrt() * 2).backward()


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_split_inf_and_nan_gradients_as_torch(name: str, dtype: str, create_graph: bool) -> None:
    """The loser gets 0 (not inf * 0), a tie half each, a nan comparison the whole to both."""
    a = np.array([1.0, 3.0, 2.0, np.nan, 1.0, 4.0])
    b = np.array([2.0, 2.0, 2.0, 1.0, 1.0, 0.0])
    incoming = np.array([np.inf, np.nan, 3.0, 5.0, -np.inf, 1.0])

    def run(L: Any) -> list:
        x, y = (L.tensor(v, dtype=getattr(L, dtype), requires_grad=True) for v in (a, b))
        out = getattr(L, name)(x * 1.0, y[None] * 1.0)  # broadcast to (1, 6): summed back to (6,)
        return list(L.autograd.grad(out, [x, y], L.tensor(incoming[None], dtype=getattr(L, dtype)), create_graph=create_graph))

    for e, t in zip(run(ember), run(torch)):
        assert_tensor_like_torch(e.detach(), t.detach(), *TOLERANCE[dtype])


# float16 sums accumulate in float32, as torch's do (a float16 running sum stops growing at 2048
# when the terms are below 1)

_HALF_SUMS = {
    "expand": lambda L, x, g: x[:1].expand(5000, 3),
    "broadcast_add": lambda L, x, g: x[0] + g,
    "sum_dim0": lambda L, x, g: (x * g).sum(0),
    "sum_all": lambda L, x, g: (x * g).sum(),
    "linear_bias": lambda L, x, g: _F(L).linear(g, x[:3], x[0]),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", sorted(_HALF_SUMS))
def test_float16_sums_over_many_terms_match_torch(name: str, create_graph: bool) -> None:
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 1, (5000, 3)).astype(np.float16)
    weights = rng.uniform(0, 1, (5000, 3)).astype(np.float16)

    def run(L: Any) -> list:
        x = L.tensor(values, requires_grad=True)
        out = _HALF_SUMS[name](L, x, L.tensor(weights))
        (g,) = L.autograd.grad(out, [x], L.ones(out.shape, dtype=L.float16), create_graph=create_graph)
        return [out, g]

    for e, t in zip(run(ember), run(torch)):
        assert_tensor_like_torch(e.detach(), t.detach(), *TOLERANCE["float16"])
