"""The Tensor's attributes and conversions, `.data`, and in-place ops outside a graph, compared
with torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from .conftest import TOLERANCE, assert_tensor_like_torch, dtype_name


def _pair(data, requires_grad=False, dtype="float32"):
    a = np.asarray(data, dtype=dtype)
    return ember.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def test_shape_attributes():
    e, t = _pair(np.arange(24).reshape(2, 3, 4))
    assert e.shape == tuple(t.shape) and e.ndim == t.ndim == e.dim() == 3
    assert e.size() == tuple(t.size()) and e.size(1) == t.size(1) == 3 and e.size(-1) == 4
    assert e.numel() == t.numel() == 24 and ember.numel(e) == 24
    assert len(e) == len(t) == 2
    assert e.T.shape == tuple(t.permute(2, 1, 0).shape)
    assert e.element_size() == 4 and e.is_floating_point() and not ember.tensor([1]).is_floating_point()
    assert ember.is_tensor(e) and not ember.is_tensor(np.ones(2))


def test_item_tolist_and_python_conversions():
    e, t = _pair([[1.5, -2.0], [3.0, 4.25]])
    assert e.tolist() == t.tolist()
    assert e[0, 1].item() == t[0, 1].item() == -2.0 and isinstance(e[0, 1].item(), float)
    assert ember.tensor(3).item() == 3 and isinstance(ember.tensor(3).item(), int)
    assert ember.tensor(True).item() is True
    assert float(ember.tensor(2.5)) == 2.5 and int(ember.tensor(7)) == 7 and int(ember.tensor([7.9])) == 7
    assert bool(ember.tensor([0.0])) is False and bool(ember.tensor(2))
    assert [10, 20, 30][ember.tensor(1)] == 20
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        e.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(e)
    with pytest.raises(TypeError):
        [1, 2][ember.tensor(1.0)]
    with pytest.raises(TypeError):
        len(ember.tensor(1.0))


def test_iteration_yields_rows_that_keep_the_graph():
    e, t = _pair([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(e)
    assert len(rows) == 2
    for er, tr in zip(rows, t):
        assert_tensor_like_torch(er, tr, 0, 0)
    sum(r.sum() * (i + 1) for i, r in enumerate(rows)).backward()
    np.testing.assert_array_equal(e.grad.numpy(), [[1, 1], [2, 2]])
    with pytest.raises(TypeError):
        iter(ember.tensor(1.0))


def test_numpy_refuses_when_requires_grad_and_shares_memory_otherwise():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()
    assert x.numpy(force=True)[0] == 1.0
    d = x.detach()
    d.numpy()[0] = 5.0
    assert x.numpy(force=True)[0] == 5.0
    y = ember.ones(3)
    assert np.shares_memory(y.numpy(), np.asarray(y))
    assert np.asarray(y, dtype=np.float64).dtype == np.float64
    assert np.asarray(x).tolist() == [5.0, 2.0]


def test_data_is_a_no_grad_tensor_sharing_storage():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    lr = 0.1
    p.data.add_(-lr * p.grad)
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6])
    assert not p.data.requires_grad and p.data.is_leaf and p.requires_grad and p.is_leaf
    p.data = ember.tensor([3.0, 4.0])
    np.testing.assert_array_equal(p.detach().numpy(), [3.0, 4.0])
    assert p.requires_grad
    (p * 2).sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), [4.0, 6.0])


def test_data_update_matches_a_torch_sgd_step():
    ex, tx = _pair([0.5, -1.5, 2.0], requires_grad=True, dtype="float64")
    for x in (ex, tx):
        for _ in range(3):
            loss = (x.tanh() * x).sum()
            loss.backward()
            x.data.sub_(0.3 * x.grad)
            x.grad.zero_()
    np.testing.assert_allclose(ex.detach().numpy(), tx.detach().numpy(), rtol=1e-12)


def test_detach_clone_contiguous_requires_grad_():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and np.shares_memory(d.numpy(), x.numpy(force=True))
    c = x.clone()
    assert c.requires_grad and c.grad_fn.name() == "CloneBackward0" and not np.shares_memory(c.numpy(force=True), x.numpy(force=True))
    m = ember.ones(2, 3).t()
    assert not m.is_contiguous() and m.contiguous().is_contiguous()
    assert x.contiguous() is x
    y = ember.ones(2)
    assert y.requires_grad_() is y and y.requires_grad
    y.requires_grad = False
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        ember.ones(2, dtype=ember.int64).requires_grad_()
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2).requires_grad_(False)


@pytest.mark.parametrize("method, dtype", [("float", "float32"), ("double", "float64"), ("half", "float16"), ("long", "int64"),
                                           ("int", "int32"), ("bool", "bool"), ("short", "int16"), ("byte", "uint8")])
def test_dtype_conversions(method, dtype):
    e, t = _pair([0.0, 1.7, -2.5, 3.0], dtype="float64")
    if dtype == "uint8":
        e, t = e.abs(), t.abs()
    out_e, out_t = getattr(e, method)(), getattr(t, method)()
    assert dtype_name(out_e.dtype) == dtype == dtype_name(out_t.dtype)
    np.testing.assert_array_equal(out_e.numpy(), out_t.numpy())


def test_to_and_type_as():
    x = ember.tensor([1.5, 2.5])
    assert x.to(ember.float32) is x
    assert x.to(ember.int64).tolist() == [1, 2]
    assert x.to(dtype=ember.float64).dtype == ember.float64
    assert x.type_as(ember.zeros(1, dtype=ember.int32)).dtype == ember.int32
    assert x.to(ember.ones(1, dtype=ember.float16)).dtype == ember.float16
    assert x.type(ember.float64).dtype == ember.float64
    g = ember.tensor([1.5], requires_grad=True)
    assert g.double().requires_grad and not g.long().requires_grad


def test_hash_is_identity_and_eq_is_elementwise():
    a, b = ember.ones(2), ember.ones(2)
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b" and len({a, b}) == 2
    assert (a == b).dtype == ember.bool and (a == b).tolist() == [True, True]
    assert (a == None) is False and (a != None) is True  # noqa: E711
    assert a in [a] and b not in {a: 1}


INPLACE = [
    ("add_", lambda x: x.add_(2)),
    ("add_ tensor alpha", lambda x: x.add_(x * 0 + 1, alpha=3)),
    ("sub_", lambda x: x.sub_(0.5)),
    ("mul_", lambda x: x.mul_(3)),
    ("div_", lambda x: x.div_(4)),
    ("zero_", lambda x: x.zero_()),
    ("fill_", lambda x: x.fill_(7)),
    ("clamp_", lambda x: x.clamp_(-1, 1)),
    ("clamp_ min", lambda x: x.clamp_(min=0)),
    ("copy_ broadcast", lambda x: x.copy_(x[0] * 0 + 2)),
    ("pow_", lambda x: x.pow_(2)),
    ("exp_", lambda x: x.exp_()),
    ("relu_", lambda x: x.relu_()),
    ("masked_fill_", lambda x: x.masked_fill_(x > 0, 0.5)),
    ("chained", lambda x: x.mul_(2).add_(1).clamp_(max=2)),
    ("iadd", lambda x: _iop(x, "add")),
    ("isub", lambda x: _iop(x, "sub")),
    ("imul", lambda x: _iop(x, "mul")),
    ("itruediv", lambda x: _iop(x, "div")),
    ("setitem", lambda x: _set(x, (0, 1), 9.0)),
    ("setitem row", lambda x: _set(x, 1, x[0] * 2)),
    ("setitem mask", lambda x: _set(x, x < 0, 0.0)),
    ("setitem advanced", lambda x: _set(x, ([0, 1], [2, 0]), -4.0)),
]


def _iop(x, op):
    y = x
    if op == "add":
        y += 2
    elif op == "sub":
        y -= x[0] * 1
    elif op == "mul":
        y *= 1.5
    else:
        y /= 2
    assert y is x
    return y


def _set(x, key, value):
    x[key] = value
    return x


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, fn", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_ops_change_the_tensor_itself(name, fn, dtype):
    e, t = _pair([[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]], dtype=dtype)
    before = e._version
    out_e, out_t = fn(e), fn(t)
    assert out_e is e and out_t is t
    assert e._version > before
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=TOLERANCE[dtype][0], atol=TOLERANCE[dtype][1])


def test_inplace_ops_write_through_views():
    e, t = _pair(np.zeros((3, 4)))
    for x in (e, t):
        x[1].add_(1)
        x[:, 2].fill_(5)
        x.t()[0].mul_(0).add_(3)
        x.view(-1)[-1] = 7
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_inplace_dtype_rules_match_torch():
    e = ember.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        e.div_(2)
    with pytest.raises(RuntimeError, match="can't be cast"):
        e.add_(1.5)
    e.add_(2)
    assert e.tolist() == [3, 4, 5] and e.dtype == ember.int64
    f = ember.zeros(2)
    f.add_(ember.tensor([1, 2]))
    assert f.dtype == ember.float32 and f.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        ember.zeros(2).add_(ember.ones(3, 2))


def test_random_inplace_fills():
    ember.manual_seed(3)
    x = ember.zeros(4, 5)
    assert x.uniform_(-2, -1) is x
    assert -2 <= x.min().item() and x.max().item() < -1
    y = ember.zeros(3000)
    assert y.normal_(4, 0.5) is y
    assert abs(y.mean().item() - 4) < 0.05 and abs(y.std().item() - 0.5) < 0.05
    w = ember.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.uniform_()
    with ember.no_grad():
        w.normal_()
    assert w.requires_grad and w.is_leaf


@pytest.mark.parametrize("fn", ["sum", "mean"])
@pytest.mark.parametrize("axis,keepdims", [(1, True), (1, False), ((0, 2), True), (-1, False)])
def test_numpy_style_axis_and_keepdims_aliases(fn, axis, keepdims):
    """torch accepts NumPy's `axis=`/`keepdims=` on sum and mean; so does ember (backward rules
    rely on it to sum arrays and Tensors with one spelling)."""
    e, t = _pair(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    out_e = getattr(e, fn)(axis=axis, keepdims=keepdims)
    out_t = getattr(t, fn)(axis=axis, keepdims=keepdims)
    assert_tensor_like_torch(out_e, out_t, 1e-12, 0)  # sums of small integers, and their means
    assert_tensor_like_torch(
        getattr(ember, fn)(e, axis=axis, keepdims=keepdims), getattr(torch, fn)(t, axis=axis, keepdims=keepdims), 1e-12, 0
    )
    out_e.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=0)


def test_inf_and_nan_results_are_silent_as_in_torch():
    """log(0), 0/0 and exp overflow give -inf, nan and inf without a warning, as torch does; the
    user's own NumPy code still warns. Run in a fresh interpreter that shows every warning."""
    import subprocess
    import sys

    code = (
        "import numpy as np, ember\n"
        "x = ember.tensor([0.0, 1000.0], requires_grad=True)\n"
        "y = ember.log(x) + ember.exp(x) + x / x.detach()[0]\n"
        "y.sum().backward()\n"
        "print(ember.log(x).tolist(), y.tolist())\n"
        "np.log(np.zeros(1))\n"
    )
    run = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[-inf, 6.907755374908447] [nan, inf]"
    warned = [line for line in run.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1 and "<string>" in warned[0], run.stderr


def test_lerp_is_exact_at_both_ends_as_torch():
    """torch works from the nearer end: lerp(a, b, 1) is b itself, not a + (b - a), which
    rounds when a and b differ in magnitude (half of these pairs)."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-2, 2, (2, 50)) * 10.0 ** rng.integers(-3, 3, (2, 50))
    for lib in (ember, torch):
        x, y = lib.tensor(a), lib.tensor(b)
        np.testing.assert_array_equal(x.lerp(y, 1.0).numpy(), b)
        np.testing.assert_array_equal(x.lerp(y, lib.ones(50, dtype=lib.float64)).numpy(), b)
        np.testing.assert_array_equal(x.lerp(y, 0.0).numpy(), a)
