"""narrow_copy, view_copy and permute_copy (and `real` of a real tensor): torch's values,
gradients, node names and errors; a copy shares no memory with its input."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck

from .conftest import TOLERANCE, assert_same_raise, compare_with_torch

# (name, input shape, args, torch's node name)
COPIES = [
    ("narrow_copy", (4, 5), (1, 1, 3), "NarrowCopyBackward0"),
    ("narrow_copy", (4, 5), (0, 2, 2), "NarrowCopyBackward0"),
    ("narrow_copy", (4, 5), (-1, 0, 0), "NarrowCopyBackward0"),
    ("view_copy", (3, 4), ((4, 3),), "ViewBackward0_copy"),
    ("view_copy", (3, 4), ((-1,),), "ViewBackward0_copy"),
    ("view_copy", (), ((1, 1),), "ViewBackward0_copy"),
    ("permute_copy", (2, 3, 4), ((2, 0, 1),), "PermuteBackward0_copy"),
    ("permute_copy", (2, 3), ((-1, 0),), "PermuteBackward0_copy"),
    ("permute_copy", (), ((),), "PermuteBackward0_copy"),
]
IDS = [f"{c[0]}{c[1]}{c[2]}" for c in COPIES]


def _array(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("name, shape, args, node", COPIES, ids=IDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_and_gradients_match_torch(name, shape, args, node, dtype):
    fn = lambda lib, x: getattr(lib, name)(x, *args)
    compare_with_torch(fn, fn, [_array(shape).astype(dtype)], *TOLERANCE[dtype])


@pytest.mark.parametrize("name, shape, args, node", COPIES, ids=IDS)
def test_node_names_memory_and_gradcheck(name, shape, args, node):
    x = ember.tensor(_array(shape), requires_grad=True)
    out = getattr(ember, name)(x, *args)
    assert type(out.grad_fn).__name__ == node and out.is_contiguous()
    assert not np.shares_memory(out.detach().numpy(), x.detach().numpy())
    fn = lambda t: getattr(ember, name)(t, *args)
    assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,))


def test_view_copy_ignores_strides_as_torch():
    x = np.arange(12.0).reshape(3, 4)
    assert ember.view_copy(ember.tensor(x).t(), [12]).tolist() == torch.view_copy(torch.tensor(x).t(), [12]).tolist()


def test_narrow_copy_method_and_tensor_start():
    x = ember.arange(10.0).reshape(2, 5)
    assert x.narrow_copy(1, ember.tensor(2), 2).tolist() == [[2.0, 3.0], [7.0, 8.0]]


@pytest.mark.parametrize("call", [
    lambda lib: lib.narrow_copy(lib.zeros(10, 5, 20), 3, 0, 0),
    lambda lib: lib.narrow_copy(lib.zeros(10, 5, 20), -4, 0, 0),
    lambda lib: lib.narrow_copy(lib.zeros(10), 0, 11, 0),
    lambda lib: lib.narrow_copy(lib.zeros(10), 0, 9, 3),
    lambda lib: lib.narrow_copy(lib.zeros(10), 0, 0, -1),
    lambda lib: lib.narrow_copy(lib.tensor(1.0), 0, 0, 1),
    lambda lib: lib.view_copy(lib.zeros(3, 4), [5, -1]),
    lambda lib: lib.view_copy(lib.zeros(3, 4), [-1, -1]),
    lambda lib: lib.permute_copy(lib.zeros(3, 4), [0, 0]),
    lambda lib: lib.permute_copy(lib.zeros(3, 4), [0]),
    lambda lib: lib.permute_copy(lib.zeros(3, 4), [0, 2]),
], ids=lambda c: str(c.__code__.co_firstlineno))
def test_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_real_of_a_real_tensor_is_the_tensor(dtype):
    x = ember.zeros(3, dtype=getattr(ember, dtype), requires_grad=dtype == "float32")
    t = torch.zeros(3, dtype=getattr(torch, dtype), requires_grad=dtype == "float32")
    assert (ember.real(x) is x) == (torch.real(t) is t) and (x.real is x) == (t.real is t)


def test_narrow_copy_negative_start():
    """torch's forward counts a negative start from the end (its backward fails on one: not compared)."""
    x = ember.arange(10.0, requires_grad=True)
    out = ember.narrow_copy(x, 0, -3, 2)
    assert out.tolist() == torch.narrow_copy(torch.arange(10.0), 0, -3, 2).tolist()
    out.sum().backward()
    assert x.grad.tolist() == [0.0] * 7 + [1.0, 1.0, 0.0]
