"""Making tensors: from data, filled, ranges, random (reproducible by seed), legacy constructors
and devices, compared with torch where torch is deterministic."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise, dtype_name


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape)
    assert dtype_name(e.dtype) == dtype_name(t.dtype)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


DATA = {
    "floats": [1.0, 2.5],
    "ints": [1, 2, 3],
    "bools": [True, False],
    "mixed int float": [1, 2.5],
    "mixed bool int": [True, 2],
    "nested": [[1, 2], [3, 4]],
    "float scalar": 3.5,
    "int scalar": 4,
    "bool scalar": False,
    "empty": [],
    "numpy float64": np.array([1.0, 2.0]),
    "numpy float32": np.array([1.0, 2.0], dtype=np.float32),
    "numpy int32": np.array([1, 2], dtype=np.int32),
    "numpy uint8": np.array([1, 200], dtype=np.uint8),
    "numpy bool": np.array([True, False]),
    "numpy scalar": np.float64(2.5),
    "tuple": (1.5, 2.0),
}


@pytest.mark.parametrize("name", list(DATA))
def test_tensor_infers_dtype_like_torch(name):
    _same(ember.tensor(DATA[name]), torch.tensor(DATA[name]))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"])
def test_tensor_with_dtype(dtype):
    data = [[0, 1.7], [-2.5, 3]] if dtype != "uint8" else [[0, 1.7], [2.5, 3]]
    _same(ember.tensor(data, dtype=getattr(ember, dtype)), torch.tensor(data, dtype=getattr(torch, dtype)))


def test_tensor_copies_and_from_numpy_shares():
    a = np.array([1.0, 2.0])
    t, f, s = ember.tensor(a), ember.from_numpy(a), ember.as_tensor(a)
    a[0] = 9.0
    assert t.numpy()[0] == 1.0 and f.numpy()[0] == 9.0 and s.numpy()[0] == 9.0
    converted = ember.as_tensor(a, dtype=ember.float32)
    a[1] = 7.0
    assert converted.numpy()[1] == 2.0 and converted.dtype == ember.float32
    x = ember.tensor([1.0, 2.0])
    assert ember.as_tensor(x) is x
    y = ember.tensor(x)
    y.add_(1)
    assert x.numpy()[0] == 1.0


def test_from_numpy_refuses_unsupported_and_non_arrays():
    with pytest.raises(TypeError, match="complex128"):
        ember.from_numpy(np.array([1 + 2j]))
    with pytest.raises(TypeError):
        ember.from_numpy([1.0, 2.0])
    assert_same_raise(lambda: ember.tensor(["a", "b"]), lambda: torch.tensor(["a", "b"]), "str")


def test_requires_grad_at_creation():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad and x.is_leaf
    with pytest.raises(RuntimeError, match="floating point"):
        ember.tensor([1, 2], requires_grad=True)
    assert ember.zeros(2, requires_grad=True).requires_grad


FILLED = [
    ("zeros", lambda t: t.zeros(2, 3)),
    ("zeros tuple", lambda t: t.zeros((2, 3))),
    ("zeros list int", lambda t: t.zeros([4], dtype=t.int64)),
    ("ones", lambda t: t.ones(3, dtype=t.float64)),
    ("ones 0-d", lambda t: t.ones(())),
    ("full float", lambda t: t.full((2, 2), 1.5)),
    ("full int", lambda t: t.full((2,), 7)),
    ("full bool", lambda t: t.full((2,), True)),
    ("full dtype", lambda t: t.full((2,), 7, dtype=t.float16)),
    ("empty shape", lambda t: t.empty(2, 3).zero_()),
    ("arange int", lambda t: t.arange(5)),
    ("arange start step", lambda t: t.arange(1, 10, 3)),
    ("arange negative step", lambda t: t.arange(5, -3, -2)),
    ("arange float", lambda t: t.arange(0, 1, 0.1)),
    ("arange float end", lambda t: t.arange(2.5)),
    ("arange dtype", lambda t: t.arange(4, dtype=t.float64)),
    ("linspace", lambda t: t.linspace(0, 1, 5)),
    ("linspace one", lambda t: t.linspace(2, 3, 1)),
    ("linspace dtype", lambda t: t.linspace(-1, 1, 7, dtype=t.float64)),
    ("eye", lambda t: t.eye(3)),
    ("eye rect", lambda t: t.eye(2, 4, dtype=t.int64)),
    ("zeros_like", lambda t: t.zeros_like(t.ones(2, 3, dtype=t.int32))),
    ("ones_like dtype", lambda t: t.ones_like(t.zeros(2), dtype=t.float64)),
    ("full_like", lambda t: t.full_like(t.zeros(2, 2), 3.25)),
    ("full_like int", lambda t: t.full_like(t.zeros(3, dtype=t.int64), 2.7)),
    ("empty_like", lambda t: t.empty_like(t.zeros(4, 1)).fill_(1)),
    ("new_zeros", lambda t: t.ones(2, dtype=t.float64).new_zeros(3)),
    ("new_ones", lambda t: t.ones(2, dtype=t.int32).new_ones((2, 2))),
    ("new_full", lambda t: t.ones(2).new_full((3,), 4.5)),
    ("new_tensor", lambda t: t.ones(2, dtype=t.float64).new_tensor([1, 2])),
]


@pytest.mark.parametrize("name, fn", FILLED, ids=[n for n, _ in FILLED])
def test_filled_and_range_tensors_match_torch(name, fn):
    _same(fn(ember), fn(torch))


def test_like_functions_can_require_grad():
    x = ember.zeros_like(ember.ones(2), requires_grad=True)
    assert x.requires_grad and x.dtype == ember.float32


def test_manual_seed_makes_random_tensors_reproducible():
    draws = []
    for _ in range(2):
        ember.manual_seed(123)
        draws.append([ember.rand(3, 2), ember.randn(4), ember.randint(0, 10, (5,)), ember.randperm(6),
                      ember.normal(0.0, 2.0, size=(3,)), ember.empty(3).uniform_(-1, 1), ember.empty(2).normal_(5, 0.1)])
    for a, b in zip(*draws):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    ember.manual_seed(124)
    assert not np.array_equal(ember.rand(3, 2).numpy(), draws[0][0].numpy())


def test_generators_are_independent_of_the_global_stream():
    g1, g2 = ember.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    ember.manual_seed(0)
    a = ember.randn(4, generator=g1)
    ember.randn(10)
    b = ember.randn(4, generator=g2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert g1.initial_seed() == 5
    c, d = ember.rand(3, generator=g1), ember.rand(3, generator=g2)
    np.testing.assert_array_equal(c.numpy(), d.numpy())
    ember.manual_seed(0)
    first = ember.randn(10).numpy()
    assert not np.array_equal(first[:4], a.numpy())


def test_random_tensors_have_the_right_shapes_dtypes_and_ranges():
    ember.manual_seed(0)
    r = ember.rand(1000)
    assert r.dtype == ember.float32 and r.shape == (1000,)
    assert 0 <= r.min().item() and r.max().item() < 1
    n = ember.randn(2, 3, dtype=ember.float64)
    assert n.dtype == ember.float64 and n.shape == (2, 3)
    big = ember.randn(20000)
    assert abs(big.mean().item()) < 0.05 and abs(big.std().item() - 1) < 0.05
    i = ember.randint(3, 7, (200,))
    assert i.dtype == ember.int64 and set(i.tolist()) == {3, 4, 5, 6}
    assert ember.randint(4, (3, 2)).shape == (3, 2)
    p = ember.randperm(10)
    assert p.dtype == ember.int64 and sorted(p.tolist()) == list(range(10))
    u = ember.zeros(500).uniform_(2, 3)
    assert 2 <= u.min().item() and u.max().item() < 3
    m = ember.normal(ember.tensor([0.0, 100.0]), ember.tensor([1e-3, 1e-3]))
    assert m.shape == (2,) and abs(m[1].item() - 100) < 0.1
    assert ember.normal(0.0, 1.0, size=(4, 2)).shape == (4, 2)
    assert ember.rand_like(ember.zeros(2, dtype=ember.float64)).dtype == ember.float64
    assert ember.randn_like(ember.zeros(3, 2)).shape == (3, 2)
    with pytest.raises(RuntimeError):
        ember.rand(2, dtype=ember.int64)


def test_legacy_constructors():
    e = ember.Tensor(2, 3)
    assert isinstance(e, ember.Tensor) and e.shape == (2, 3) and e.dtype == ember.float32
    _same(ember.Tensor([1, 2]), torch.Tensor([1, 2]))
    _same(ember.Tensor((2,)).zero_(), torch.Tensor((2,)).zero_())
    _same(ember.FloatTensor([1.5, 2]), torch.FloatTensor([1.5, 2]))
    _same(ember.LongTensor([1, 2]), torch.LongTensor([1, 2]))
    assert ember.LongTensor(3).shape == (3,)
    assert ember.Tensor().shape == tuple(torch.Tensor().shape) == (0,)
    assert ember.FloatTensor([]).shape == (0,)
    assert isinstance(ember.FloatTensor([1.0]), ember.Tensor)
    assert ember.DoubleTensor([1]).dtype == ember.float64
    assert ember.ones(2).type() == "ember.FloatTensor"
    assert ember.ones(2, dtype=ember.int64).type() == "ember.LongTensor"


def test_devices():
    x = ember.ones(2)
    assert x.device == ember.device("cpu") and x.device.type == "cpu" and not x.is_cuda
    assert x.to("cpu") is x and x.cpu() is x and x.to(ember.device("cpu")) is x
    y = x.to("cpu", ember.float64)
    assert y.dtype == ember.float64
    assert ember.zeros(2, device="cpu").device == ember.device("cpu")
    assert ember.device("cpu:0").index == 0
    for call in (lambda: x.to("cuda"), lambda: x.cuda(), lambda: ember.zeros(2, device="cuda"),
                 lambda: ember.zeros(2, device=ember.device("cuda:0")), lambda: ember.tensor([1.0], device="mps")):
        with pytest.raises(RuntimeError, match="runs on the CPU only"):
            call()


def test_default_dtype_can_be_changed_and_restored():
    assert ember.get_default_dtype() == ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.5]).dtype == ember.float64 and ember.zeros(1).dtype == ember.float64
        assert (ember.tensor([1, 2]) * 0.5).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.5]).dtype == ember.float32
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def test_creation_errors_match_torch():
    assert_same_raise(lambda: ember.zeros(-1), lambda: torch.zeros(-1))
    assert_same_raise(lambda: ember.tensor([[1, 2], [3]]), lambda: torch.tensor([[1, 2], [3]]))
