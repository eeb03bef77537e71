"""copy.copy, copy.deepcopy and pickle of tensors, Parameters and Modules, checked against torch."""

import copy
import pickle
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember

ROUND_TRIPS: dict[str, Callable[[Any], Any]] = {
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "pickle": lambda obj: pickle.loads(pickle.dumps(obj)),
}


def observe(lib: Any, how: str, make: Callable[[Any], Any]) -> tuple:
    """What a round trip of make(lib) keeps: type, requires_grad, leafness, grad, and whether
    the copy shares storage with the original."""
    original = make(lib)
    original.grad = lib.full((2,), 3.0)
    out = ROUND_TRIPS[how](original)
    with lib.no_grad():
        out.data[0] = 5.0
    shares = original[0].item() == 5.0
    grad = None if out.grad is None else out.grad.tolist()
    return type(out).__name__, out.requires_grad, out.is_leaf, out.tolist(), grad, shares


LEAVES: dict[str, Callable[[Any], Any]] = {
    "leaf": lambda lib: lib.ones(2, requires_grad=True),
    "leaf_no_grad": lambda lib: lib.ones(2),
    "parameter": lambda lib: lib.nn.Parameter(lib.ones(2)),
    "frozen_parameter": lambda lib: lib.nn.Parameter(lib.ones(2), requires_grad=False),
}


@pytest.mark.parametrize("how", ROUND_TRIPS)
@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_round_trip_like_torch(how: str, leaf: str) -> None:
    assert observe(ember, how, LEAVES[leaf]) == observe(torch, how, LEAVES[leaf])


@pytest.mark.parametrize("how", ["copy", "pickle"])
def test_a_non_leaf_copies_as_a_detached_leaf(how: str) -> None:
    results = []
    for lib in (ember, torch):
        y = lib.ones(2, requires_grad=True) * 2
        out = ROUND_TRIPS[how](y)
        results.append((out.requires_grad, out.is_leaf, out.grad_fn is None, out.tolist()))
    assert results[0] == results[1]


def test_deepcopy_of_a_non_leaf_raises_torchs_error() -> None:
    message = "Only Tensors created explicitly by the user \\(graph leaves\\) support the deepcopy protocol"
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match=message):
            copy.deepcopy(lib.ones(2, requires_grad=True) * 2)


@pytest.mark.parametrize("dtype", ["float16", "float64", "int64", "bool"])
def test_pickle_keeps_dtype_shape_and_values(dtype: str) -> None:
    x = ember.arange(6).reshape(2, 3).to(getattr(ember, dtype))
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype is x.dtype and y.shape == x.shape and np.array_equal(y.numpy(), x.numpy())


def test_deepcopy_shares_one_copy_of_a_tensor_met_twice() -> None:
    x = ember.ones(2, requires_grad=True)
    a, b = copy.deepcopy([x, x])
    assert a is b and a is not x


def test_a_pickled_module_keeps_its_parameters_and_buffers() -> None:
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4), ember.nn.ReLU())
    model(ember.randn(5, 3))
    clone = pickle.loads(pickle.dumps(model))
    assert list(clone.state_dict()) == list(model.state_dict())
    for (name, a), b in zip(model.state_dict().items(), clone.state_dict().values()):
        assert a.dtype is b.dtype and np.array_equal(a.numpy(), b.numpy()), name
    assert all(isinstance(p, ember.nn.Parameter) and p.requires_grad for p in clone.parameters())
    clone[0].weight.data.fill_(0.0)
    assert model[0].weight.abs().sum().item() > 0
    model.eval(), clone.eval()
    x = ember.randn(2, 3)
    assert np.array_equal(model(x).detach().numpy(), pickle.loads(pickle.dumps(model))(x).detach().numpy())


def test_copy_of_a_module_shares_its_parameters_like_torch() -> None:
    for lib in (ember, torch):
        model = lib.nn.Linear(2, 2)
        shallow = copy.copy(model)
        assert shallow is not model and shallow.weight is model.weight
