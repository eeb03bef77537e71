"""Random draws by torch's names (bernoulli, cauchy_, exponential_, geometric_, log_normal_,
bernoulli_): the distributions, checked statistically on many draws; dtypes, shapes, versions
and argument errors as torch's."""

import math

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise

N = 200_000


def _draws(method, *args, dtype=ember.float64):
    ember.manual_seed(1)
    x = ember.zeros(N, dtype=dtype)
    version = x._version
    assert getattr(x, method)(*args) is x and x._version == version + 1
    return x.numpy().astype(np.float64)


def test_cauchy_quartiles():
    """Cauchy(median m, scale s): quartiles m - s and m + s."""
    q1, q2, q3 = np.quantile(_draws("cauchy_", -2.0, 0.5), [0.25, 0.5, 0.75])
    assert abs(q2 + 2.0) < 0.01 and abs(q1 + 2.5) < 0.01 and abs(q3 + 1.5) < 0.01


def test_exponential_mean_and_variance():
    d = _draws("exponential_", 2.5)
    assert abs(d.mean() - 0.4) < 0.005 and abs(d.var() - 0.16) < 0.005 and d.min() >= 0


@pytest.mark.parametrize("dtype", [ember.float64, ember.int64, ember.uint8])
def test_geometric_counts_trials(dtype):
    """Geometric(p) on 1, 2, ...: mean 1/p, P(1) = p."""
    d = _draws("geometric_", 0.4, dtype=dtype)
    assert d.min() == 1 and np.all(d == np.round(d))
    assert abs(d.mean() - 2.5) < 0.03 and abs((d == 1).mean() - 0.4) < 0.005


def test_log_normal_moments_of_the_log():
    logs = np.log(_draws("log_normal_", 0.5, 0.25))
    assert abs(logs.mean() - 0.5) < 0.005 and abs(logs.std() - 0.25) < 0.005


def test_default_arguments_are_torchs():
    """log_normal_() is exp(N(1, 2)); cauchy_() is Cauchy(0, 1); exponential_() has rate 1."""
    assert abs(np.log(_draws("log_normal_")).mean() - 1.0) < 0.02
    assert abs(np.median(_draws("cauchy_"))) < 0.01
    assert abs(_draws("exponential_").mean() - 1.0) < 0.01


def test_bernoulli_follows_each_probability():
    ember.manual_seed(2)
    p = ember.tensor(np.linspace(0.0, 1.0, 5), dtype=ember.float32).expand(N // 5, 5)
    out = ember.bernoulli(p)
    assert out.dtype == ember.float32 and out.shape == p.shape
    assert set(np.unique(out.numpy())) <= {0.0, 1.0}
    np.testing.assert_allclose(out.numpy().mean(0), np.linspace(0.0, 1.0, 5), atol=0.01)
    assert abs(ember.bernoulli(ember.zeros(N), 0.3).numpy().mean() - 0.3) < 0.005
    assert abs(ember.zeros(3, N).bernoulli().numpy().mean()) == 0.0


def test_bernoulli_in_place_with_a_number_or_a_tensor():
    ember.manual_seed(3)
    x = ember.zeros(N, dtype=ember.int64).bernoulli_(0.25)
    assert x.dtype == ember.int64 and abs(x.numpy().mean() - 0.25) < 0.005
    y = ember.zeros(2, N).bernoulli_(ember.tensor([[0.0], [1.0]]))
    assert y[0].sum().item() == 0 and y[1].sum().item() == N


def test_bernoulli_gradient_is_zero():
    for lib in (ember, torch):
        p = lib.full((3,), 0.5, dtype=lib.float64, requires_grad=True)
        out = lib.bernoulli(p)
        assert type(out.grad_fn).__name__ == "BernoulliBackward0"
        out.sum().backward()
        assert p.grad.tolist() == [0.0, 0.0, 0.0]


def test_bernoulli_out_refuses_overlapping_memory():
    source = ember.rand(6)
    with pytest.raises(RuntimeError, match="unsupported operation"):
        ember.bernoulli(source, out=ember.rand(1).expand(6))
    out = ember.zeros(6)
    assert ember.bernoulli(ember.ones(6), out=out) is out and out.tolist() == [1.0] * 6


def test_bernoulli_out_may_be_its_input_but_not_a_part_of_it():
    writable_expanded = ember.from_numpy(np.lib.stride_tricks.as_strided(np.zeros(1), (6,), (0,)))
    assert_same_raise(lambda: ember.bernoulli(ember.rand(6), out=writable_expanded),
                      lambda: torch.bernoulli(torch.rand(6), out=torch.zeros(1).expand(6)), "single memory location")
    e, t = ember.ones(7), torch.ones(7)
    assert_same_raise(lambda: ember.bernoulli(e[1:], out=e[:6]), lambda: torch.bernoulli(t[1:], out=t[:6]),
                      "single memory location")
    assert ember.bernoulli(e, out=e) is e and e.tolist() == [1.0] * 7


def test_the_generator_argument_repeats_draws():
    a = ember.zeros(5).exponential_(generator=ember.Generator().manual_seed(7))
    b = ember.zeros(5).exponential_(generator=ember.Generator().manual_seed(7))
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(3).cauchy_(0, 0),
    lambda lib: lib.zeros(3).cauchy_(0, -1),
    lambda lib: lib.zeros(3, dtype=lib.int64).cauchy_(),
    lambda lib: lib.zeros(3, dtype=lib.bool).cauchy_(),
    lambda lib: lib.zeros(3).exponential_(0),
    lambda lib: lib.zeros(3).exponential_(-1),
    lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(),
    lambda lib: lib.zeros(3).geometric_(0),
    lambda lib: lib.zeros(3).geometric_(1),
    lambda lib: lib.zeros(3).geometric_(math.nan),
    lambda lib: lib.zeros(3, dtype=lib.bool).geometric_(0.5),
    lambda lib: lib.zeros(3).log_normal_(0, 0),
    lambda lib: lib.zeros(3, dtype=lib.int64).log_normal_(),
    lambda lib: lib.zeros(3, requires_grad=True).exponential_(),
    lambda lib: lib.bernoulli(lib.tensor([0.5, 2.0])),
    lambda lib: lib.bernoulli(lib.tensor([0, 1])),
    lambda lib: lib.bernoulli(lib.zeros(3), 1.5),
    lambda lib: lib.zeros(3).bernoulli_(-0.5),
    lambda lib: lib.zeros(3).bernoulli_(lib.tensor([2.0, 0.0, 0.0])),
], ids=lambda c: str(c.__code__.co_firstlineno))
def test_argument_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))


def test_messages_name_the_argument():
    with pytest.raises(RuntimeError, match=r"cauchy_ expects sigma > 0.0, but found sigma=-1"):
        ember.zeros(2).cauchy_(0, -1)
    with pytest.raises(RuntimeError, match="dtype must be a floating point but you specified long int"):
        ember.zeros(2, dtype=ember.int64).cauchy_()
    with pytest.raises(RuntimeError, match=r"geometric_ expects p to be in \(0, 1\), but got p=1"):
        ember.zeros(2).geometric_(1)
