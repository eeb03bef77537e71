"""ember.utils.data samplers against torch.utils.data."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
import torch.utils.data as tud

import ember
import ember.utils.data as eud


def test_sequential_sampler():
    assert list(eud.SequentialSampler(range(5))) == list(tud.SequentialSampler(range(5)))
    assert len(eud.SequentialSampler(range(5))) == 5


@pytest.mark.parametrize("n, num_samples", [(7, None), (5, 12), (5, 3), (1, 1)])
def test_random_sampler_without_replacement_is_whole_permutations(n, num_samples):
    sampler = eud.RandomSampler(range(n), num_samples=num_samples)
    out = list(sampler)
    total = n if num_samples is None else num_samples
    assert len(out) == len(sampler) == len(tud.RandomSampler(range(n), num_samples=num_samples)) == total
    for start in range(0, total - total % n, n):
        assert sorted(out[start:start + n]) == list(range(n))
    assert len(set(out[total - total % n:])) == total % n


def test_random_sampler_with_replacement_range():
    out = list(eud.RandomSampler(range(4), replacement=True, num_samples=70))
    assert len(out) == 70 and set(out) <= set(range(4)) and len(set(out)) == 4


def test_random_sampler_reproducible():
    def draw(seed):
        return list(eud.RandomSampler(range(10), generator=ember.Generator().manual_seed(seed)))
    assert draw(1) == draw(1) and draw(1) != draw(2)
    ember.manual_seed(5)
    first = list(eud.RandomSampler(range(10)))
    second = list(eud.RandomSampler(range(10)))
    ember.manual_seed(5)
    assert list(eud.RandomSampler(range(10))) == first and first != second


@pytest.mark.parametrize("kwargs, exc", [({"replacement": 1}, TypeError), ({"num_samples": 0}, ValueError),
                                         ({"num_samples": 2.0}, ValueError)])
def test_random_sampler_errors(kwargs, exc):
    for mod in (eud, tud):
        with pytest.raises(exc):
            mod.RandomSampler(range(3), **kwargs)


def test_subset_random_sampler():
    indices = [10, 20, 30, 40]
    sampler = eud.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(0))
    assert sorted(sampler) == indices and len(sampler) == 4
    again = eud.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(0))
    assert list(again) == list(eud.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(0)))


def test_weighted_random_sampler_draws_by_weight():
    ember.manual_seed(0)
    out = list(eud.WeightedRandomSampler([0.0, 1.0, 3.0], 400))
    assert len(out) == 400 and 0 not in out and out.count(2) > out.count(1)
    distinct = list(eud.WeightedRandomSampler(ember.tensor([1.0, 1.0, 1.0]), 3, replacement=False))
    assert sorted(distinct) == [0, 1, 2]
    zero_last = list(eud.WeightedRandomSampler([1.0, 0.0, 0.0], 2, replacement=False))
    assert zero_last[0] == 0 and len(set(zero_last)) == 2
    assert len(list(tud.WeightedRandomSampler([1.0, 0.0, 0.0], 2, replacement=False))) == 2


@pytest.mark.parametrize("weights, num_samples, replacement, exc", [
    ([1.0], 0, True, ValueError), ([1.0], True, True, ValueError), ([1.0], 1, 0, ValueError),
    ([[1.0]], 1, True, ValueError),
])
def test_weighted_random_sampler_argument_errors(weights, num_samples, replacement, exc):
    for mod in (eud, tud):
        with pytest.raises(exc):
            mod.WeightedRandomSampler(weights, num_samples, replacement)


@pytest.mark.parametrize("weights, num_samples, replacement, match", [
    ([1.0, -1.0], 1, True, "element < 0"), ([0.0, 0.0], 1, True, "sum of probabilities <= 0"),
    ([1.0, 1.0], 3, False, "cannot sample n_sample > prob_dist.size"), ([1.0, float("nan")], 1, True, "nan"),
])
def test_weighted_random_sampler_draw_errors(weights, num_samples, replacement, match):
    for mod in (eud, tud):
        with pytest.raises(RuntimeError, match=match):
            list(mod.WeightedRandomSampler(weights, num_samples, replacement))


@pytest.mark.parametrize("n, size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False), (2, 5, True)])
def test_batch_sampler_matches_torch(n, size, drop_last):
    ours = eud.BatchSampler(eud.SequentialSampler(range(n)), size, drop_last)
    ref = tud.BatchSampler(tud.SequentialSampler(range(n)), size, drop_last)
    assert list(ours) == list(ref) and len(ours) == len(ref)


@pytest.mark.parametrize("size, drop_last", [(0, False), (True, False), (2.0, False), (2, 1)])
def test_batch_sampler_errors(size, drop_last):
    for mod in (eud, tud):
        with pytest.raises(ValueError):
            mod.BatchSampler(range(3), size, drop_last)


@given(n=st.integers(0, 40), size=st.integers(1, 12), drop_last=st.booleans())
def test_batch_sampler_any_sizes_match_torch(n, size, drop_last):
    ours = eud.BatchSampler(range(n), size, drop_last)
    ref = tud.BatchSampler(range(n), size, drop_last)
    assert list(ours) == list(ref) and len(ours) == len(ref)


@given(n=st.integers(1, 30), num_samples=st.integers(1, 70), replacement=st.booleans(), seed=st.integers(0, 2 ** 32))
def test_random_sampler_any_sizes(n, num_samples, replacement, seed):
    sampler = eud.RandomSampler(range(n), replacement, num_samples, ember.Generator().manual_seed(seed))
    out = list(sampler)
    assert len(out) == len(sampler) == num_samples and set(out) <= set(range(n))
    assert out == list(eud.RandomSampler(range(n), replacement, num_samples, ember.Generator().manual_seed(seed)))
    if not replacement:
        full = num_samples - num_samples % n
        assert all(sorted(out[i:i + n]) == list(range(n)) for i in range(0, full, n))


def test_custom_sampler_may_call_base_init():
    class Evens(eud.Sampler):
        def __init__(self, data_source):
            super().__init__()
            self.n = len(data_source)

        def __iter__(self):
            return iter(range(0, self.n, 2))

    assert list(eud.DataLoader(list(range(10, 15)), sampler=Evens(range(5)))) == [10, 12, 14]
    for mod in (eud, tud):
        with pytest.raises(TypeError):
            mod.Sampler(range(3))
