"""index_add, index_copy, index_fill and masked_scatter, out of place and in place: one node
each under torch's name, torch's values and gradients (first and second), versions and errors."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck

from .conftest import TOLERANCE, compare_with_torch

rng = np.random.default_rng(0)
MASK = rng.random((3, 4)) > 0.5

# (name, call(lib, x, src), x shape, src shape, torch's node name)
CASES = [
    ("index_add", lambda lib, x, s: lib.index_add(x, 0, lib.tensor([2, 0, 2]), s, alpha=2), (3, 4), (3, 4), "IndexAddBackward0"),
    ("index_add_1", lambda lib, x, s: x.index_add(1, lib.tensor([1]), s), (3, 4), (3, 1), "IndexAddBackward0"),
    ("index_add_0d", lambda lib, x, s: lib.index_add(x, 0, lib.tensor([0]), s), (), (), "IndexAddBackward0"),
    ("index_copy", lambda lib, x, s: lib.index_copy(x, 1, lib.tensor([3, 0]), s), (3, 4), (3, 2), "IndexCopyBackward0"),
    ("index_copy_0d", lambda lib, x, s: lib.index_copy(x, 0, lib.tensor([0]), s), (), (1,), "IndexCopyBackward0"),
    ("index_fill", lambda lib, x, s: lib.index_fill(x, 1, lib.tensor([3, 0, 3]), -1.5), (3, 4), (1,), "IndexFillBackward0"),
    ("index_fill_tensor", lambda lib, x, s: lib.index_fill(x, 0, lib.tensor([1, 1, 2]), s.sum()), (3, 4), (2,), "IndexFillBackward1"),
    ("masked_scatter", lambda lib, x, s: lib.masked_scatter(x, lib.tensor(MASK), s), (3, 4), (15,), "MaskedScatterBackward0"),
    ("masked_scatter_broadcast", lambda lib, x, s: lib.masked_scatter(x, lib.tensor(MASK), s), (4,), (3, 5), "MaskedScatterBackward0"),
]


@pytest.mark.parametrize("name, call, x_shape, s_shape, node", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_out_of_place_matches_torch(name, call, x_shape, s_shape, node, dtype):
    arrays = [rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(s_shape).astype(dtype)]
    compare_with_torch(call, call, arrays, *TOLERANCE[dtype])


@pytest.mark.parametrize("name, call, x_shape, s_shape, node", CASES, ids=[c[0] for c in CASES])
def test_node_names_and_second_derivatives(name, call, x_shape, s_shape, node):
    x = ember.tensor(rng.standard_normal(x_shape), requires_grad=True)
    s = ember.tensor(rng.standard_normal(s_shape), requires_grad=True)
    assert type(call(ember, x, s).grad_fn).__name__ == node
    assert gradcheck(lambda a, b: call(ember, a, b), (x, s))
    assert gradgradcheck(lambda a, b: call(ember, a, b), (x, s))


INPLACE = [
    ("index_add_", lambda lib, x, s: x.index_add_(0, lib.tensor([2, 0]), s, alpha=-1), (3, 4), (2, 4), "IndexAddBackward0"),
    ("index_copy_", lambda lib, x, s: x.index_copy_(0, lib.tensor([2, 0]), s), (3, 4), (2, 4), "IndexCopyBackward0"),
    ("index_fill_", lambda lib, x, s: x.index_fill_(1, lib.tensor([2, 0]), 3.0), (3, 4), (2, 4), "IndexFillBackward0"),
    ("masked_scatter_", lambda lib, x, s: x.masked_scatter_(lib.tensor(MASK), s), (3, 4), (2, 6), "MaskedScatterBackward0"),
]


def _inplace(lib, call, x_shape, s_shape):
    leaf = lib.tensor(np.arange(np.prod(x_shape), dtype=np.float64).reshape(x_shape) / 5, requires_grad=True)
    src = lib.tensor(np.linspace(-1, 1, int(np.prod(s_shape))).reshape(s_shape), requires_grad=True)
    x = leaf * 2.0
    version = x._version
    assert call(lib, x, src) is x and x._version == version + 1
    (x * lib.tensor(np.cos(np.arange(x.numel())).reshape(x_shape))).sum().backward()
    return x.detach().numpy().copy(), leaf.grad.numpy(), src.grad.numpy() if src.grad is not None else None, type(x.grad_fn).__name__


@pytest.mark.parametrize("name, call, x_shape, s_shape, node", INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_matches_torch(name, call, x_shape, s_shape, node):
    e, t = _inplace(ember, call, x_shape, s_shape), _inplace(torch, call, x_shape, s_shape)
    for a, b in zip(e[:3], t[:3]):
        if b is None:
            assert a is None or not a.any()
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)
    assert e[3] == t[3] == node


@pytest.mark.parametrize("name, call, x_shape, s_shape, node", INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_on_a_saved_tensor_fails_backward_as_in_torch(name, call, x_shape, s_shape, node):
    for lib in (ember, torch):
        x = lib.ones(x_shape, dtype=lib.float64, requires_grad=True) * 1.0
        y = x * x
        call(lib, x, lib.ones(s_shape, dtype=lib.float64))
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_integer_tensors():
    x = np.arange(12, dtype=np.int64).reshape(3, 4)
    call = lambda lib, a, b: lib.index_add(a, 0, lib.tensor([1, 1]), b, alpha=3)
    compare_with_torch(call, call, [x, x[:2] * -1], 0.0, 0.0)
    fill = lambda lib, a: lib.index_fill(a, 1, lib.tensor([0]), 2.7)
    compare_with_torch(fill, fill, [x], 0.0, 0.0)
