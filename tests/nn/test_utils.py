"""ember.nn.utils against torch.nn.utils: gradient clipping, parameter vectors, pad_sequence."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

import ember
from ember.nn.utils import (
    clip_grad_norm_, clip_grad_value_, parameters_to_vector, rnn, vector_to_parameters,
)

SHAPES = [(3, 4), (5,), (2, 2, 3), ()]


def _params(lib: Any, dtype: str = "float64", seed: int = 0, scale: float = 1.0) -> list[Any]:
    """Leaf tensors with gradients set, the same values in either library."""
    rng = np.random.default_rng(seed)
    params = []
    for shape in SHAPES:
        p = lib.tensor(rng.normal(size=shape).astype(dtype), requires_grad=True)
        p.grad = lib.tensor((scale * rng.normal(size=shape)).astype(dtype))
        params.append(p)
    return params


def _grads(params: list[Any]) -> list[np.ndarray]:
    return [p.grad.numpy() for p in params]


@pytest.mark.parametrize("norm_type", [2, 2.0, 1, math.inf, "inf", 3.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-12), ("float32", 1e-6)])
def test_clip_grad_norm_as_torch(norm_type: Any, max_norm: float, dtype: str, rtol: float) -> None:
    e, t = _params(ember, dtype), _params(torch, dtype)
    e_total = clip_grad_norm_(e, max_norm, norm_type=norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type=norm_type)
    assert isinstance(e_total, ember.Tensor) and e_total.shape == ()
    assert e_total.dtype.name == dtype
    np.testing.assert_allclose(e_total.item(), t_total.item(), rtol=rtol)
    for a, b in zip(_grads(e), _grads(t)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=0)
    clipped = max_norm < t_total.item()
    assert clipped == (not np.array_equal(_grads(e)[0], _grads(_params(ember, dtype))[0]))


@pytest.mark.parametrize("norm_type", [3.0, 0.5, 1.5, -1.0, 4.0])
def test_clip_grad_norm_general_p_is_torchs_bit_for_bit(norm_type: float) -> None:
    """The total norm of a general p is torch's vector_norm of the per-tensor vector_norms, whose
    float64 value ember reproduces exactly (`ops.pnorm`)."""
    for seed in range(10):
        e, t = _params(ember, seed=seed), _params(torch, seed=seed)
        e_total = clip_grad_norm_(e, 1.0, norm_type=norm_type)
        assert e_total.item() == torch.nn.utils.clip_grad_norm_(t, 1.0, norm_type=norm_type).item()


def test_clip_grad_norm_scales_to_max_norm() -> None:
    params = _params(ember, scale=10.0)
    before = clip_grad_norm_(params, 1.0).item()
    after = float(np.sqrt(sum((g**2).sum() for g in _grads(params))))
    assert before > 1.0
    np.testing.assert_allclose(after, before / (before + 1e-6), rtol=1e-12)


def test_clip_grad_norm_single_tensor_missing_grads_and_empty() -> None:
    p = ember.tensor([3.0, 4.0], requires_grad=True)
    p.grad = ember.tensor([3.0, 4.0])
    q = ember.tensor([1.0], requires_grad=True)
    assert clip_grad_norm_(p, 10.0).item() == 5.0
    assert clip_grad_norm_([p, q], 10.0).item() == 5.0
    assert q.grad is None
    empty = clip_grad_norm_([], 1.0)
    assert empty.item() == 0.0 and empty.dtype is ember.float32
    with pytest.warns(UserWarning, match="empty generator"):
        clip_grad_norm_((x for x in []), 1.0)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_clip_grad_norm_nonfinite(bad: float) -> None:
    messages = []
    for lib in (ember, torch):
        params = _params(lib)
        params[1].grad[2] = bad
        with pytest.raises(RuntimeError) as info:
            (clip_grad_norm_ if lib is ember else torch.nn.utils.clip_grad_norm_)(params, 1.0, error_if_nonfinite=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    e, t = _params(ember), _params(torch)
    e[1].grad[2] = bad
    t[1].grad[2] = bad
    e_total = clip_grad_norm_(e, 1.0)
    t_total = torch.nn.utils.clip_grad_norm_(t, 1.0)
    np.testing.assert_array_equal(e_total.numpy(), t_total.numpy())
    for a, b in zip(_grads(e), _grads(t)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("clip_value", [0.3, 2])
def test_clip_grad_value_as_torch(clip_value: float) -> None:
    e, t = _params(ember), _params(torch)
    assert clip_grad_value_(e, clip_value) is None
    torch.nn.utils.clip_grad_value_(t, clip_value)
    for a, b in zip(_grads(e), _grads(t)):
        np.testing.assert_array_equal(a, b)
    assert max(np.abs(g).max() for g in _grads(e)) <= clip_value


def test_parameters_to_vector_and_back() -> None:
    e, t = _params(ember), _params(torch)
    e_vec, t_vec = parameters_to_vector(e), torch.nn.utils.parameters_to_vector(t)
    np.testing.assert_array_equal(e_vec.detach().numpy(), t_vec.detach().numpy())
    weights = np.arange(e_vec.shape[0], dtype=np.float64)
    (e_vec * ember.tensor(weights)).sum().backward()
    (t_vec * torch.tensor(weights)).sum().backward()
    for a, b in zip(_grads(e), _grads(t)):
        np.testing.assert_array_equal(a, b)

    new = np.linspace(-1, 1, e_vec.shape[0])
    e_new, t_new = ember.tensor(new), torch.tensor(new)
    vector_to_parameters(e_new, e)
    torch.nn.utils.vector_to_parameters(t_new, t)
    for a, b in zip(e, t):
        assert a.shape == b.shape and a.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    e_new[0] = 7.0
    assert e[0].detach().numpy()[0, 0] == 7.0
    for lib, fn in ((ember, vector_to_parameters), (torch, torch.nn.utils.vector_to_parameters)):
        with pytest.raises(TypeError, match=f"expected {lib.__name__}.Tensor, but got: numpy.ndarray"):
            fn(new, e if lib is ember else t)


def _sequences(lib: Any, lengths: list[int], trailing: tuple, dtype: str = "float64") -> list[Any]:
    rng = np.random.default_rng(len(lengths))
    return [lib.tensor(rng.normal(size=(n,) + trailing).astype(dtype), requires_grad=True) for n in lengths]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("lengths,trailing", [([3, 5, 1], ()), ([2, 4, 4, 3], (3,)), ([1, 2], (2, 3))])
def test_pad_sequence_values_and_gradients(batch_first: bool, padding_side: str, lengths: list, trailing: tuple) -> None:
    e, t = _sequences(ember, lengths, trailing), _sequences(torch, lengths, trailing)
    e_out = rnn.pad_sequence(e, batch_first=batch_first, padding_value=-2.5, padding_side=padding_side)
    t_out = torch.nn.utils.rnn.pad_sequence(t, batch_first=batch_first, padding_value=-2.5, padding_side=padding_side)
    assert e_out.shape == tuple(t_out.shape)
    np.testing.assert_array_equal(e_out.detach().numpy(), t_out.detach().numpy())
    weights = np.random.default_rng(1).normal(size=e_out.shape)
    (e_out * ember.tensor(weights)).sum().backward()
    (t_out * torch.tensor(weights)).sum().backward()
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_pad_sequence_dtypes_and_tensor_input() -> None:
    e = [ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True), ember.tensor([3.0], requires_grad=True)]
    out = rnn.pad_sequence(e)
    assert out.dtype is ember.float64
    out.sum().backward()
    assert e[1].grad.dtype is ember.float32
    ints = rnn.pad_sequence([ember.tensor([1, 2, 3]), ember.tensor([4])], batch_first=True)
    assert ints.dtype is ember.int64 and ints.tolist() == [[1, 2, 3], [4, 0, 0]]
    batch = ember.arange(6.0).reshape(3, 2)
    expected = torch.nn.utils.rnn.pad_sequence(torch.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(rnn.pad_sequence(batch).numpy(), expected.numpy())


@pytest.mark.parametrize("args,kwargs", [
    (lambda lib: [lib.ones(2, 3), lib.ones(2, 4)], {}),
    (lambda lib: [], {}),
    (lambda lib: 5, {}),
    (lambda lib: [lib.ones(2)], {"padding_side": "middle"}),
])
def test_pad_sequence_errors_as_torch(args: Any, kwargs: dict) -> None:
    messages = []
    for lib, fn in ((ember, rnn.pad_sequence), (torch, torch.nn.utils.rnn.pad_sequence)):
        with pytest.raises(RuntimeError) as info:
            fn(args(lib), **kwargs)
        messages.append(str(info.value))
    assert messages[0] == messages[1].replace("torch", "ember")


def test_exported_names() -> None:
    assert ember.nn.utils.rnn.pad_sequence is rnn.pad_sequence
    from ember.nn.utils.rnn import pad_sequence

    assert pad_sequence is rnn.pad_sequence
    for name in ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]:
        assert callable(getattr(ember.nn.utils, name))
