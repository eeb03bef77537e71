"""The `*_copy` view ops and the split variants (split_with_sizes, unsafe_split, unsafe_chunk):
torch's values, dtypes, gradients and node names; a copy shares no memory with its input; the
errors are torch's."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck

from .conftest import TOLERANCE, assert_same_raise, compare_with_torch

# (name, input shape, args, torch's node name)
COPIES = [
    ("expand_copy", (3, 1), ((2, 3, 4),), "ExpandBackward0_copy"),
    ("expand_copy", (3, 1), ((-1, 5),), "ExpandBackward0_copy"),
    ("diagonal_copy", (3, 4, 5), (1, 0, 2), "DiagonalBackward0_copy"),
    ("diagonal_copy", (4, 3), (-1,), "DiagonalBackward0_copy"),
    ("alias_copy", (3, 4), (), "AliasBackward0_copy"),
    ("squeeze_copy", (3, 1, 4, 1), (), "SqueezeBackward0_copy"),
    ("squeeze_copy", (3, 1, 4, 1), (-1,), "SqueezeBackward1_copy"),
    ("squeeze_copy", (1, 3, 1), ((0, 2),), "SqueezeBackward2_copy"),
    ("unsqueeze_copy", (3, 4), (-1,), "UnsqueezeBackward0_copy"),
    ("unsqueeze_copy", (), (0,), "UnsqueezeBackward0_copy"),
    ("transpose_copy", (2, 3, 4), (0, -1), "TransposeBackward0_copy"),
    ("transpose_copy", (), (0, -1), "TransposeBackward0_copy"),
    ("t_copy", (3, 4), (), "TBackward0_copy"),
    ("t_copy", (3,), (), "TBackward0_copy"),
    ("unfold_copy", (3, 7), (1, 3, 2), "UnfoldBackward0_copy"),
    ("unfold_copy", (), (0, 1, 1), "UnfoldBackward0_copy"),
    ("unfold_copy", (), (-1, 0, 3), "UnfoldBackward0_copy"),
]
MULTI = [
    ("unbind_copy", (3, 4), (1,), "UnbindBackward0_copy"),
    ("split_with_sizes_copy", (5, 4), ([2, 0, 3],), "SplitWithSizesBackward0_copy"),
    ("split_with_sizes", (5, 4), ([1, 3], 1), "SplitWithSizesBackward0"),
    ("unsafe_split", (5, 4), (2,), "UnsafeSplitBackward0"),
    ("unsafe_chunk", (5, 4), (3, -1), "UnsafeSplitBackward0"),
    ("unsafe_chunk", (0, 4), (3,), "UnsafeSplitBackward0"),
]


def _array(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("name, shape, args, node", COPIES + MULTI, ids=[f"{c[0]}{c[1]}" for c in COPIES + MULTI])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_and_gradients_match_torch(name, shape, args, node, dtype):
    array = _array(shape).astype(dtype)
    compare_with_torch(lambda lib, x: getattr(lib, name)(x, *args), lambda lib, x: getattr(lib, name)(x, *args),
                       [array], *TOLERANCE[dtype])


@pytest.mark.parametrize("name, shape, args, node", COPIES + MULTI, ids=[f"{c[0]}{c[1]}" for c in COPIES + MULTI])
def test_node_names_and_memory(name, shape, args, node):
    x = ember.tensor(_array(shape), requires_grad=True)
    out = getattr(ember, name)(x, *args)
    pieces = out if isinstance(out, tuple) else (out,)
    assert all(type(p.grad_fn).__name__ == node for p in pieces)
    shared = name in ("split_with_sizes", "unsafe_split", "unsafe_chunk")
    for p in pieces:
        if p.numel():
            assert np.shares_memory(p.detach().numpy(), x.detach().numpy()) == shared
        if name.endswith("_copy"):
            assert p.is_contiguous()


@pytest.mark.parametrize("name, shape, args, node", COPIES + MULTI, ids=[f"{c[0]}{c[1]}" for c in COPIES + MULTI])
def test_gradcheck_and_gradgradcheck(name, shape, args, node):
    x = ember.tensor(_array(shape), requires_grad=True)
    fn = lambda t: getattr(ember, name)(t, *args)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_integer_and_bool_copies(dtype):
    array = np.arange(12).reshape(3, 4).astype(dtype)
    for name, args in [("t_copy", ()), ("diagonal_copy", ()), ("unfold_copy", (1, 2, 1)), ("expand_copy", ((2, 3, 4),))]:
        compare_with_torch(lambda lib, x: getattr(lib, name)(x, *args), lambda lib, x: getattr(lib, name)(x, *args),
                           [array], 0.0, 0.0)


def test_a_copy_is_independent_of_its_input():
    x = ember.arange(6.0).reshape(2, 3)
    y = ember.transpose_copy(x, 0, 1)
    y[0, 0] = 100.0
    assert x[0, 0].item() == 0.0 and x._version == 0


def test_unsafe_pieces_may_be_written_in_place():
    """torch's unsafe_split pieces are not tracked views: an in-place op on one is recorded."""
    for lib in (ember, torch):
        x = lib.arange(6.0, requires_grad=True) * 1.0
        piece = lib.unsafe_split(x, 2)[0]
        piece.mul_(2)
        assert type(piece.grad_fn).__name__ == "MulBackward0"
    with pytest.raises(RuntimeError, match="multiple views"):
        ember.split_with_sizes(ember.arange(6.0, requires_grad=True) * 1.0, [2, 4])[0].mul_(2)


@pytest.mark.parametrize("call", [
    lambda lib: lib.diagonal_copy(lib.zeros(3, 4), dim1=1, dim2=1),
    lambda lib: lib.diagonal_copy(lib.zeros(3, 4), dim1=5),
    lambda lib: lib.unbind_copy(lib.tensor(1.0), 0),
    lambda lib: lib.unbind_copy(lib.zeros(2), 2),
    lambda lib: lib.t_copy(lib.zeros(2, 3, 4)),
    lambda lib: lib.expand_copy(lib.zeros(3, 2), (3, 4)),
    lambda lib: lib.squeeze_copy(lib.zeros(3, 1), 2),
    lambda lib: lib.unsqueeze_copy(lib.zeros(3, 1), 3),
    lambda lib: lib.transpose_copy(lib.tensor(1.0), 0, 1),
    lambda lib: lib.unfold_copy(lib.zeros(3), 0, 4, 1),
    lambda lib: lib.unfold_copy(lib.zeros(3), 0, 2, 0),
    lambda lib: lib.split_with_sizes_copy(lib.zeros(3), [1, 1]),
    lambda lib: lib.split_with_sizes(lib.zeros(3), [4, -1]),
    lambda lib: lib.split_with_sizes(lib.tensor(1.0), [1]),
    lambda lib: lib.unsafe_split(lib.zeros(3), 0),
    lambda lib: lib.unsafe_split(lib.zeros(3), -1),
    lambda lib: lib.unsafe_chunk(lib.zeros(3), 0),
    lambda lib: lib.unsafe_chunk(lib.tensor(1.0), 2),
], ids=lambda c: str(c.__code__.co_firstlineno))
def test_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))


def test_tensor_methods():
    x = ember.arange(10.0).reshape(5, 2)
    assert [p.shape for p in x.split_with_sizes([2, 3])] == [(2, 2), (3, 2)]
    assert [p.shape for p in x.unsafe_split(2, 1)] == [(5, 2)]
    assert [p.shape for p in x.unsafe_chunk(2)] == [(3, 2), (2, 2)]


def test_copied_pieces_may_be_written_in_place():
    x = ember.arange(6.0, requires_grad=True) * 1.0
    piece = ember.unbind_copy(x.reshape(2, 3))[0]
    piece.mul_(2)
    assert type(piece.grad_fn).__name__ == "MulBackward0" and x[0].item() == 0.0
