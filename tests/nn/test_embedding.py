"""Embedding and F.embedding against torch: same weight both ways, outputs and the weight
gradient (repeated indices, padding_idx, scale_grad_by_freq), max_norm's in-place
renormalisation, a few SGD steps, from_pretrained, initialisation, reprs, errors, gradcheck."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import EXACT, TOLERANCES

from .conftest import share_weights

DTYPES = ["float64", "float32"]
DIRECTIONS = ["torch->ember", "ember->torch"]

# (module builder, index array): the indices repeat rows and hit the padding row
LAYERS: dict[str, tuple[Callable[[Any], Any], np.ndarray]] = {
    "plain": (lambda m: m.Embedding(10, 4), np.array([[1, 2, 4, 5], [4, 3, 2, 9]])),
    "one_dim_input": (lambda m: m.Embedding(6, 3), np.array([0, 5, 5, 5, 2])),
    "scalar_input": (lambda m: m.Embedding(6, 3), np.array(4)),
    "padding": (lambda m: m.Embedding(8, 5, padding_idx=0), np.array([[0, 2, 0, 5], [3, 3, 0, 7]])),
    "negative_padding": (lambda m: m.Embedding(8, 2, padding_idx=-1), np.array([[7, 1, 7], [2, 7, 6]])),
    "scale_grad_by_freq": (lambda m: m.Embedding(7, 3, scale_grad_by_freq=True), np.array([[1, 1, 1, 2], [2, 6, 1, 0]])),
    "freq_and_padding": (lambda m: m.Embedding(7, 3, padding_idx=1, scale_grad_by_freq=True), np.array([1, 1, 3, 3, 3, 4])),
    "max_norm": (lambda m: m.Embedding(9, 4, max_norm=1.0), np.array([[0, 3, 3], [8, 5, 0]])),
    "max_norm_l1": (lambda m: m.Embedding(9, 4, max_norm=1.5, norm_type=1.0), np.array([2, 2, 7, 4])),
    "three_dim_input": (lambda m: m.Embedding(5, 2), np.array([[[0, 1], [1, 4]], [[3, 3], [2, 0]]])),
}


def _close(a: Any, b: Any, dtype: str, what: str) -> None:
    """A lookup copies rows and its backward adds them up as torch's does: the exact class."""
    rtol, atol = TOLERANCES[EXACT][dtype]
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol, err_msg=what)


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_torch_over_sgd_steps(name: str, dtype: str, direction: str) -> None:
    """Three steps of forward, backward and SGD in both: the output, the weight's gradient and
    the weight after the update (and after max_norm's in-place renormalisation) agree."""
    build, indices = LAYERS[name]
    torch.manual_seed(0)
    ember.manual_seed(1)
    e, t = build(nn), build(torch.nn)
    e.to(getattr(ember, dtype))
    t.to(getattr(torch, dtype))
    share_weights(e, t, direction)
    e_opt, t_opt = ember.optim.SGD(e.parameters(), lr=0.5), torch.optim.SGD(t.parameters(), lr=0.5)
    rng = np.random.default_rng(2)
    for step in range(3):
        e_out, t_out = e(ember.tensor(indices)), t(torch.tensor(indices))
        assert tuple(e_out.shape) == tuple(t_out.shape) == indices.shape + (t.embedding_dim,)
        assert e_out.dtype.name == dtype
        _close(e_out.detach().numpy(), t_out.detach().numpy(), dtype, f"step {step}: output")
        _close(e.weight.detach().numpy(), t.weight.detach().numpy(), dtype, f"step {step}: weight after forward")
        upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
        (e_out * ember.tensor(upstream)).sum().backward()
        (t_out * torch.tensor(upstream)).sum().backward()
        assert e.weight.grad.dtype.name == dtype
        _close(e.weight.grad.numpy(), t.weight.grad.numpy(), dtype, f"step {step}: weight grad")
        e_opt.step()
        t_opt.step()
        e_opt.zero_grad()
        t_opt.zero_grad()
        _close(e.weight.detach().numpy(), t.weight.detach().numpy(), dtype, f"step {step}: weight after step")


def test_gradient_sums_repeated_indices_and_skips_the_padding_row() -> None:
    weight = ember.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    out = F.embedding(ember.tensor([[2, 0, 2], [2, 3, 0]]), weight, padding_idx=0)
    assert out.grad_fn.name() == "EmbeddingBackward0"
    np.testing.assert_array_equal(out.detach().numpy()[0, 1], [0.0, 1.0, 2.0])  # the padding row is read as it is
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), [[0, 0, 0], [0, 0, 0], [3, 3, 3], [1, 1, 1]])


def test_int32_indices_and_torch_index_tensors_work() -> None:
    layer = nn.Embedding(5, 2)
    a = layer(ember.tensor([1, 4], dtype=ember.int32)).detach().numpy()
    np.testing.assert_array_equal(a, layer.weight.detach().numpy()[[1, 4]])


def test_default_init_is_standard_normal_with_a_zero_padding_row() -> None:
    ember.manual_seed(3)
    layer = nn.Embedding(5000, 40, padding_idx=7)
    w = layer.weight.detach().numpy()
    assert w.dtype == np.float32 and layer.weight.requires_grad
    np.testing.assert_array_equal(w[7], np.zeros(40, np.float32))
    rest = np.delete(w, 7, axis=0).ravel()
    assert abs(rest.mean()) < 5 / np.sqrt(rest.size)
    assert abs(rest.std() - 1) < 0.01
    ember.manual_seed(3)
    np.testing.assert_array_equal(nn.Embedding(5000, 40, padding_idx=7).weight.detach().numpy(), w)


def test_from_pretrained_uses_the_given_rows_and_freezes_them() -> None:
    data = np.random.default_rng(4).standard_normal((4, 3))
    for lib in (ember, torch):
        rows = lib.tensor(data)
        frozen = lib.nn.Embedding.from_pretrained(rows, padding_idx=1)
        assert not frozen.weight.requires_grad and frozen.padding_idx == 1
        np.testing.assert_array_equal(frozen.weight.detach().numpy(), data)  # padding row kept
        trainable = lib.nn.Embedding.from_pretrained(rows, freeze=False)
        assert trainable.weight.requires_grad
        trainable(lib.tensor([1, 1])).sum().backward()
        np.testing.assert_array_equal(trainable.weight.grad.numpy()[1], [2.0, 2.0, 2.0])
    layer = nn.Embedding.from_pretrained(ember.tensor(data), freeze=False)
    assert repr(layer) == "Embedding(4, 3)" and layer.weight.dtype is ember.float64


def test_dtype_argument() -> None:
    layer = nn.Embedding(4, 2, padding_idx=0, dtype=ember.float64)
    assert layer.weight.dtype is ember.float64 and layer(ember.tensor([0, 3])).dtype is ember.float64


def test_weight_argument_is_used() -> None:
    weight = ember.ones(3, 2)
    layer = nn.Embedding(3, 2, _weight=weight)
    np.testing.assert_array_equal(layer.weight.detach().numpy(), np.ones((3, 2), np.float32))
    assert not nn.Embedding(3, 2, _freeze=True).weight.requires_grad


@pytest.mark.parametrize(
    "build",
    [lambda m: m.Embedding(10, 3), lambda m: m.Embedding(10, 3, padding_idx=-1),
     lambda m: m.Embedding(10, 3, max_norm=1.0, scale_grad_by_freq=True), lambda m: m.Embedding(5, 2, max_norm=2, norm_type=1.0)],
)
def test_repr_state_dict_and_attributes_equal_torch(build: Callable[[Any], Any]) -> None:
    e, t = build(nn), build(torch.nn)
    assert repr(e) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    for attr in ("num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"):
        assert getattr(e, attr) == getattr(t, attr), attr


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, L: m.Embedding(10, 3, padding_idx=10),
        lambda m, L: m.Embedding(10, 3, padding_idx=-11),
        lambda m, L: m.Embedding(10, 3, _weight=L.ones(9, 3)),
        lambda m, L: m.Embedding.from_pretrained(L.ones(3)),
        lambda m, L: m.Embedding(4, 3)(L.tensor([4])),
        lambda m, L: m.Embedding(4, 3)(L.tensor([[0, -1]])),
        lambda m, L: m.Embedding(4, 3)(L.tensor([1.0])),
        lambda m, L: L.nn.functional.embedding(L.tensor([1]), L.ones(3, 2), padding_idx=3),
    ],
)
def test_errors_are_torchs(fn: Callable[[Any, Any], Any]) -> None:
    types = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(lib.nn, lib)
        types.append(info.type)
        if info.type is AssertionError:
            assert str(info.value) in ("Padding_idx must be within num_embeddings",
                                       "Shape of weight does not match num_embeddings and embedding_dim",
                                       "Embeddings parameter is expected to be 2-dimensional")
        elif info.type is IndexError:
            assert "index out of range in self" in str(info.value)
        else:
            assert "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int" in str(info.value)
    assert types[0] is types[1]


def test_sparse_gradients_are_refused_clearly() -> None:
    with pytest.raises(NotImplementedError, match="sparse=True"):
        nn.Embedding(4, 2, sparse=True)
    with pytest.raises(NotImplementedError, match="sparse=True"):
        nn.Embedding.from_pretrained(ember.ones(4, 2), sparse=True)
    with pytest.raises(NotImplementedError, match="sparse=True"):
        F.embedding(ember.tensor([0]), ember.ones(4, 2), sparse=True)


def test_max_norm_renormalises_only_the_rows_read_in_place() -> None:
    data = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, 0.0]])
    renormed = []
    for lib in (ember, torch):
        weight = lib.tensor(data.copy())
        lib.nn.functional.embedding(lib.tensor([0, 1, 0]), weight, max_norm=2.0)
        renormed.append(weight.numpy())
        np.testing.assert_array_equal(renormed[-1][1:], data[1:])
    # row 0 scaled by max_norm / (norm + 1e-7), torch's formula: a norm of 2 up to 1e-7 / 5
    np.testing.assert_allclose(renormed[0], renormed[1], rtol=1e-12, atol=0)
    np.testing.assert_allclose(np.linalg.norm(renormed[0][0]), 2.0, rtol=1e-7)


def test_empty_indices_give_an_empty_output_and_a_zero_gradient() -> None:
    weight = ember.randn(4, 3, requires_grad=True)
    out = F.embedding(ember.tensor(np.zeros((2, 0), np.int64)), weight)
    assert out.shape == (2, 0, 3)
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), np.zeros((4, 3), np.float32))


def test_gradcheck_of_the_plain_lookup() -> None:
    indices = ember.tensor([[0, 2, 2], [3, 0, 2]])
    weight = ember.tensor(np.random.default_rng(5).standard_normal((5, 3)), requires_grad=True)
    assert gradcheck(lambda w: F.embedding(indices, w), (weight,))
    assert gradgradcheck(lambda w: F.embedding(indices, w), (weight,))


@pytest.mark.parametrize("padding_idx, freq", [(2, False), (None, True), (0, True)])
def test_gradgradcheck_with_padding_and_frequency_scaling(padding_idx: Any, freq: bool) -> None:
    """padding_idx and scale_grad_by_freq change the gradient by convention (it is no longer
    the lookup's derivative, so gradcheck does not apply), but the backward is still a linear
    map of dy whose own derivative gradgradcheck verifies. torch's double backward ignores
    the frequency scaling (its own gradgradcheck fails there); ember's applies it."""
    indices = ember.tensor([[0, 2, 2], [3, 0, 2]])
    weight = ember.tensor(np.random.default_rng(5).standard_normal((5, 3)), requires_grad=True)
    assert gradgradcheck(lambda w: F.embedding(indices, w, padding_idx=padding_idx, scale_grad_by_freq=freq), (weight,))


def test_double_backward_matches_torch() -> None:
    """grad of |dL/dW|^2 with respect to W, where dL/dW skips a padding row."""
    data = np.random.default_rng(6).standard_normal((6, 2))
    upstream = np.random.default_rng(7).standard_normal((2, 4, 2))
    indices = np.array([[1, 1, 4, 0], [5, 1, 0, 4]])
    grads = []
    for lib in (ember, torch):
        w = lib.tensor(data, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(indices), w, padding_idx=0)
        (gw,) = lib.autograd.grad((out * out * lib.tensor(upstream)).sum(), w, create_graph=True)
        (gw * gw).sum().backward()
        grads.append(w.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)
