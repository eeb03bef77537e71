"""Indexing ops at their edges, against torch: 0-d inputs (topk, index_select), empty indices
(gather), empty reductions (amax, amin), and the refusals (tril/triu of a vector, masked_fill
with a non-0-d or complex value, embedding with a weight that is not 2-d)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from tolerances import EXACT, TOLERANCES

RTOL64 = TOLERANCES[EXACT]["float64"][0]


def _both(fn: Callable[[Any, Any], Any], *arrays: np.ndarray) -> tuple:
    """fn(lib, *tensors) in torch and in ember; float inputs require grad."""
    def make(lib: Any, a: np.ndarray) -> Any:
        return lib.tensor(a, requires_grad=a.dtype.kind == "f")
    return (fn(torch, *[make(torch, a) for a in arrays]), fn(ember, *[make(ember, a) for a in arrays]))


def _same(e: Any, t: Any) -> None:
    assert str(e.dtype).removeprefix("ember.") == str(t.dtype).removeprefix("torch.")
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL64)


@pytest.mark.parametrize("k", [0, 1])
@pytest.mark.parametrize("dim", [0, -1])
def test_topk_of_a_0d_tensor_gives_its_element_even_for_k_0(k: int, dim: int) -> None:
    x, tx = ember.tensor(2.5, requires_grad=True), torch.tensor(2.5, requires_grad=True)
    actual, expected = ember.topk(x, k, dim), torch.topk(tx, k, dim)
    _same(actual.values, expected.values)
    _same(actual.indices, expected.indices)
    actual.values.backward()
    expected.values.backward()
    assert x.grad.item() == tx.grad.item() == 1.0
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ember.topk(x, 2)
    with pytest.raises(IndexError):
        ember.topk(x, 1, 1)


def test_index_select_of_a_0d_tensor_stays_0d() -> None:
    for index in (np.array([0]), np.array(0)):
        expected, actual = _both(lambda lib, x, i: lib.index_select(x, 0, i), np.array(2.5), index)
        _same(actual, expected)
        actual.backward()
    for bad in (np.array([], dtype=np.int64), np.array([0, 0])):
        with pytest.raises(RuntimeError, match="Index to scalar can have only 1 value"):
            ember.index_select(ember.tensor(2.5), 0, ember.tensor(bad))
    with pytest.raises(IndexError):
        ember.index_select(ember.tensor(2.5), 0, ember.tensor([1]))


@pytest.mark.parametrize("index_shape", [(0,), (2, 0)])
def test_gather_with_an_empty_index_checks_nothing(index_shape: tuple) -> None:
    index = np.zeros(index_shape, np.uint8)
    expected, actual = _both(lambda lib, x, i: lib.gather(x, 0, i), np.arange(5.0), index)
    _same(actual, expected)
    x = ember.arange(5.0, dtype=ember.float64).requires_grad_()
    ember.gather(x, 0, ember.tensor(index)).sum().backward()
    assert x.grad.tolist() == [0.0] * 5
    with pytest.raises(RuntimeError, match="Expected dtype int32/int64 for index"):
        ember.gather(x, 0, ember.tensor([1], dtype=ember.uint8))


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_amax_amin_of_an_empty_dim(name: str) -> None:
    x, tx = ember.zeros(5, 0, 5), torch.zeros(5, 0, 5)
    _same(getattr(ember, name)(x, 0), getattr(torch, name)(tx, 0))
    with pytest.raises(IndexError, match=rf"{name}\(\): Expected reduction dim 1 to have non-zero size"):
        getattr(ember, name)(x, 1)
    with pytest.raises(RuntimeError, match="Specify the reduction dim"):
        getattr(ember, name)(x)


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_tril_triu_refuse_a_vector_and_work_in_place(name: str) -> None:
    with pytest.raises(RuntimeError, match="input tensor must have at least 2 dimensions"):
        getattr(ember, name)(ember.ones(4))
    a = np.arange(12.0).reshape(3, 4)
    x, tx = ember.tensor(a), torch.tensor(a)
    assert getattr(x, name + "_")(1) is x
    getattr(tx, name + "_")(1)
    _same(x, tx)


def test_masked_fill_refuses_what_torch_refuses() -> None:
    x, mask = ember.randn(2, 2), ember.tensor(True)
    with pytest.raises(RuntimeError, match="only supports a 0-dimensional value tensor"):
        x.masked_fill(mask, ember.tensor([1.0]))
    with pytest.raises(RuntimeError, match="value cannot be converted to type float32 without overflow"):
        x.masked_fill(mask, 1j)
    assert x.masked_fill(mask, 1 + 0j).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(RuntimeError, match="without overflow"):
        ember.ones(2).fill_(2j)


@pytest.mark.parametrize("shape", [(), (1, 1, 1), (3,)])
def test_embedding_needs_a_2d_weight(shape: tuple) -> None:
    with pytest.raises(RuntimeError, match="'weight' must be 2-D"):
        ember.nn.functional.embedding(ember.tensor([[0, 0], [0, 0]]), ember.randn(*shape))


@pytest.mark.parametrize("make", [lambda lib: lib.ones(2, 3), lambda lib: (lib.ones(5, 1, 1), None)])
def test_cat_refuses_what_is_not_a_sequence_of_tensors(make: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError):
        torch.cat(make(torch))
    with pytest.raises(TypeError, match="Tensor"):
        ember.cat(make(ember))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize(("shape", "dim"), [((0,), None), ((3, 0), 1), ((3, 0), -1), ((0, 2), None)])
def test_arg_extremum_of_an_empty_reduction_raises_torchs_index_error(name: str, shape: tuple, dim: Any) -> None:
    messages = []
    for lib in (torch, ember):
        with pytest.raises(IndexError) as caught:
            getattr(lib, name)(lib.zeros(shape), dim)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_arg_extremum_over_a_nonempty_dim_of_an_empty_tensor_is_empty() -> None:
    assert tuple(ember.argmax(ember.zeros(3, 0), 0).shape) == tuple(torch.argmax(torch.zeros(3, 0), 0).shape) == (0,)
