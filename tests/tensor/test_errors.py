"""Errors: ember refuses what torch refuses, with the same exception type and a message that
names the problem (both shapes, the bad dim, the fix)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise


def _both(fn):
    """fn(lib) for ember and torch, as the two zero-argument calls assert_same_raise takes."""
    return (lambda: fn(ember)), (lambda: fn(torch))


CASES = [
    ("broadcast", lambda t: t.ones(2, 3) + t.ones(4, 3), "[2, 3] and [4, 3]"),
    ("broadcast mul", lambda t: t.ones(3) * t.ones(2), "[3] and [2]"),
    ("broadcast add alpha", lambda t: t.add(t.ones(3), t.ones(2), alpha=2), "[3] and [2]"),
    ("float alpha, int tensors", lambda t: t.add(t.ones(3, dtype=t.int64), t.ones(3, dtype=t.int64), alpha=0.5),
     "alpha must not be a floating point number"),
    ("float16 alpha overflow", lambda t: t.sub(t.ones(3, dtype=t.float16), t.ones(3, dtype=t.float16), alpha=1e5),
     "float16 without overflow"),
    ("broadcast where", lambda t: t.where(t.ones(2) > 0, t.ones(3), t.ones(2)), None),
    ("matmul 2d", lambda t: t.ones(4, 3) @ t.ones(4, 5), "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)"),
    ("matmul 1d", lambda t: t.ones(3) @ t.ones(4), None),
    ("matmul batched", lambda t: t.ones(2, 3, 4) @ t.ones(2, 5, 6), "[2, 3, 4] and [2, 5, 6]"),
    ("matmul batch broadcast", lambda t: t.ones(2, 3, 4) @ t.ones(3, 4, 5), None),
    ("matmul 0-d", lambda t: t.ones(()) @ t.ones(3), None),
    ("matmul mixed dtypes", lambda t: t.ones(2, 3) @ t.ones(3, 2, dtype=t.float64), "float != double"),
    ("matmul int and float", lambda t: t.ones(3, dtype=t.int64) @ t.ones(3, 2), "long int != float"),
    ("dot mixed dtypes", lambda t: t.dot(t.ones(3), t.ones(3, dtype=t.float64)), "found Float and Double"),
    ("negative slice step", lambda t: t.arange(5)[::-1], "step must be greater than zero"),
    ("mv sizes", lambda t: t.mv(t.ones(2, 3), t.ones(2)), "size mismatch, got input (2), mat (2x3), vec (2)"),
    ("mv ranks", lambda t: t.mv(t.ones(2, 3, 1), t.ones(2)), "vector + matrix @ vector expected, got 1, 3, 1"),
    ("movedim repeated", lambda t: t.ones(2, 3, 4).movedim((0, 0), (1, 2)), "repeated dim in `source` ([0, 0])"),
    ("movedim lengths", lambda t: t.ones(2, 3, 4).movedim((0, 1), (1,)), "should contain the same number of dims"),
    ("movedim out of range", lambda t: t.ones(2, 3).movedim(2, 0), None),
    ("zero slice step", lambda t: t.arange(5)[::0], None),
    ("mm 1d", lambda t: t.mm(t.ones(3), t.ones(3, 2)), None),
    ("bmm 2d", lambda t: t.bmm(t.ones(3, 3), t.ones(3, 3)), None),
    ("dot sizes", lambda t: t.dot(t.ones(3), t.ones(4)), None),
    ("index out of range", lambda t: t.ones(3)[3], None),
    ("index out of range negative", lambda t: t.ones(3)[-4], None),
    ("index out of range dim 1", lambda t: t.ones(2, 3)[:, 5], None),
    ("index tensor out of range", lambda t: t.ones(3)[t.tensor([0, 7])], None),
    ("too many indices", lambda t: t.ones(3)[0, 0], None),
    ("select out of range", lambda t: t.ones(2, 3).select(1, 3), None),
    ("dim out of range", lambda t: t.ones(2, 3).sum(2), "Dimension out of range"),
    ("dim out of range negative", lambda t: t.ones(2, 3).softmax(-3), "Dimension out of range"),
    ("repeated dim", lambda t: t.ones(2, 3).sum((0, 0)), None),
    ("reshape size", lambda t: t.ones(2, 3).reshape(4, 2), "[4, 2]"),
    ("view size", lambda t: t.ones(6).view(4, -1), None),
    ("expand", lambda t: t.ones(2, 3).expand(4, 3), None),
    ("permute length", lambda t: t.ones(2, 3).permute(0,), None),
    ("t of 3-d", lambda t: t.ones(2, 3, 4).t(), None),
    ("cat sizes", lambda t: t.cat([t.ones(2, 3), t.ones(2, 4)]), None),
    ("cat empty list", lambda t: t.cat([]), None),
    ("stack sizes", lambda t: t.stack([t.ones(2), t.ones(3)]), None),
    ("split sizes", lambda t: t.ones(5).split([2, 2]), None),
    ("topk too large", lambda t: t.ones(3).topk(4), None),
    ("gather float index", lambda t: t.ones(2, 2).gather(1, t.tensor([[0.0]])), "int32/int64"),
    ("bitwise_not float", lambda t: t.ones(2).bitwise_not(), None),
    ("masked_fill float mask", lambda t: t.ones(2).masked_fill(t.ones(2), 0.0), None),
    ("item of many", lambda t: t.ones(2).item(), "cannot be converted to Scalar"),
    ("bool of many", lambda t: bool(t.ones(2)), None),
    ("mean of ints", lambda t: t.tensor([1, 2]).mean(), None),
    ("requires_grad int", lambda t: t.tensor([1, 2], requires_grad=True), None),
    ("requires_grad_ bool", lambda t: t.ones(2, dtype=t.bool).requires_grad_(), None),
    ("in-place float into int", lambda t: t.tensor([1, 2]).mul_(1.5), None),
    ("in-place broadcast grows", lambda t: t.ones(3).add_(t.ones(2, 3)), None),
    ("setitem shape", lambda t: _setitem(t.ones(2, 3), 0, t.ones(4)), None),
    ("bitwise not float", lambda t: ~t.ones(2), None),
    ("negate bool", lambda t: -t.tensor([True]), "`~`"),
    ("view of non-contiguous", lambda t: t.ones(2, 3).t().view(-1), "Use .reshape"),
    ("view size", lambda t: t.ones(2, 3).view(4), None),
    ("softmax of ints", lambda t: t.tensor([1, 2]).softmax(0), None),
    ("norm of ints", lambda t: t.tensor([1, 2]).norm(), None),
    ("narrow start", lambda t: t.ones(3).narrow(0, 4, 0), None),
    ("narrow length", lambda t: t.ones(3).narrow(0, 1, 3), None),
    ("clamp without bounds", lambda t: t.ones(2).clamp(), None),
    ("backward non-scalar", lambda t: (t.ones(2, requires_grad=True) * 2).backward(), "grad can be implicitly created only for scalar outputs"),
    ("backward without grad", lambda t: t.ones(2).sum().backward(), "does not require grad"),
    ("grad of unused input", lambda t: _grad_unused(t), "allow_unused=True"),
    ("freed graph", lambda t: _twice(t), "retain_graph=True"),
    ("inplace on leaf", lambda t: t.ones(2, requires_grad=True).add_(1), "leaf Variable that requires grad"),
    ("numpy of requires_grad", lambda t: t.ones(2, requires_grad=True).numpy(), "requires grad"),
    ("len of 0-d", lambda t: len(t.tensor(1.0)), None),
]


def _setitem(x, key, value):
    x[key] = value


def _grad_unused(t):
    x, y = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    return t.autograd.grad((x * 2).sum(), [x, y])


def _twice(t):
    x = t.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


@pytest.mark.parametrize("name, fn, match", CASES, ids=[c[0] for c in CASES])
def test_error_matches_torch(name, fn, match):
    ember_call, torch_call = _both(fn)
    assert_same_raise(ember_call, torch_call, match)


def test_index_errors_are_index_errors():
    x = ember.ones(2, 3)
    for key in (2, -3, (0, 3), (slice(None), -4), ember.tensor([2])):
        with pytest.raises(IndexError):
            x[key]
    with pytest.raises(IndexError):
        x[2] = 1.0


def test_shape_errors_name_both_shapes():
    with pytest.raises(RuntimeError) as err:
        ember.ones(2, 3) + ember.ones(3, 2)
    assert "[2, 3]" in str(err.value) and "[3, 2]" in str(err.value)
    with pytest.raises(RuntimeError) as err:
        ember.ones(5, 2) @ ember.ones(3, 2)
    assert "5x2" in str(err.value) and "3x2" in str(err.value)
    with pytest.raises(RuntimeError) as err:
        ember.ones(2, 2, 3) @ ember.ones(2, 2, 3)
    assert "[2, 2, 3]" in str(err.value)


def test_errors_inside_backward_leave_grad_mode_on():
    x = ember.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError):
        y.backward()
    assert ember.is_grad_enabled()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
