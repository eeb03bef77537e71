"""The in-place shape methods (t_ transpose_ squeeze_ unsqueeze_) and t/transpose of 0-d and 1-d
tensors record torch's nodes (TBackward1, SqueezeBackward3/4/5, ...), with torch's values,
gradients and versions."""

import numpy as np
import pytest
import torch

import ember

CASES = [
    ("t_", (3, 4), ()), ("t_", (4,), ()), ("t_", (), ()),
    ("transpose_", (3, 4, 2), (0, -1)), ("transpose_", (3,), (0, -1)),
    ("squeeze_", (3, 1, 4, 1), ()), ("squeeze_", (3, 1, 4), (1,)), ("squeeze_", (1, 3, 1), ((0, 2),)),
    ("unsqueeze_", (3, 4), (-1,)), ("unsqueeze_", (), (0,)),
    ("t", (4,), ()), ("t", (), ()), ("transpose", (3,), (0, -1)), ("transpose", (), (0, 0)), ("squeeze", (1, 3, 1), ([0, 2],)),
]


def _run(lib, name, shape, args):
    leaf = lib.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    x = leaf * 1.5
    version = x._version
    out = getattr(x, name)(*args)
    weights = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
    (out * weights).sum().backward()
    inplace = name.endswith("_")
    assert (out is x) == inplace and x._version == version + inplace
    return out.detach().numpy().copy(), tuple(out.shape), out.stride(), leaf.grad.numpy(), type(out.grad_fn).__name__


@pytest.mark.parametrize("name, shape, args", CASES, ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_values_gradients_and_nodes_match_torch(name, shape, args):
    e, t = _run(ember, name, shape, args), _run(torch, name, shape, args)
    np.testing.assert_array_equal(e[0], t[0])
    np.testing.assert_array_equal(e[3], t[3])
    assert e[1:3] + e[4:] == t[1:3] + t[4:]


@pytest.mark.parametrize("call", [lambda lib: lib.ones(2, 2, 2).t_(), lambda lib: lib.ones(3).transpose_(0, 1),
                                  lambda lib: lib.ones(2, 2, requires_grad=True).t_(),
                                  lambda lib: lib.tensor(1.0).transpose(0, 1)])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as t_err:
        call(torch)
    with pytest.raises(type(t_err.value)):
        call(ember)
