"""ember.utils.data datasets and random_split against torch.utils.data."""

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st
import torch
import torch.utils.data as tud

import ember
import ember.utils.data as eud


def _range_dataset(base: type) -> type:
    """0, 1, ..., n - 1 as an iterable dataset of the given library, with a len."""

    class Range(base):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    return Range


_Range, _TorchRange = _range_dataset(eud.IterableDataset), _range_dataset(tud.IterableDataset)


def test_tensor_dataset_rows_and_len():
    ds = eud.TensorDataset(ember.arange(6).reshape(3, 2), ember.arange(3))
    ref = tud.TensorDataset(torch.arange(6).reshape(3, 2), torch.arange(3))
    assert len(ds) == len(ref) == 3
    for i in (0, 2, -1):
        assert [t.tolist() for t in ds[i]] == [t.tolist() for t in ref[i]]


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        eud.TensorDataset(ember.zeros(3), ember.zeros(4))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        tud.TensorDataset(torch.zeros(3), torch.zeros(4))


def test_concat_dataset_indexing_matches_torch():
    ds = eud.ConcatDataset([list(range(3)), list(range(10, 12)), [], list(range(20, 24))])
    ref = tud.ConcatDataset([list(range(3)), list(range(10, 12)), [], list(range(20, 24))])
    assert len(ds) == len(ref) and ds.cumulative_sizes == ref.cumulative_sizes
    assert [ds[i] for i in range(-len(ds), len(ds))] == [ref[i] for i in range(-len(ref), len(ref))]


@pytest.mark.parametrize("idx, exc", [(-10, ValueError), (9, IndexError)])
def test_concat_dataset_out_of_range(idx, exc):
    for mod in (eud, tud):
        with pytest.raises(exc):
            mod.ConcatDataset([[1, 2], [3, 4, 5]])[idx]


def test_concat_dataset_errors():
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        eud.ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        eud.ConcatDataset([_Range(2)])


def test_dataset_add_concatenates_and_iterable_add_chains():
    both = eud.TensorDataset(ember.arange(2)) + eud.TensorDataset(ember.arange(3))
    assert isinstance(both, eud.ConcatDataset) and len(both) == 5
    chained = _Range(2) + _Range(3)
    assert isinstance(chained, eud.ChainDataset)
    assert list(chained) == list(_TorchRange(2) + _TorchRange(3)) and len(chained) == 5


def test_chain_dataset_rejects_map_style():
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(eud.ChainDataset([[1, 2]]))
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        len(eud.ChainDataset([[1, 2]]))


def test_stack_dataset_tuple_and_dict():
    a, b = list(range(4)), list("abcd")
    assert [eud.StackDataset(a, b)[i] for i in range(4)] == [tud.StackDataset(a, b)[i] for i in range(4)]
    assert eud.StackDataset(x=a, y=b)[2] == tud.StackDataset(x=a, y=b)[2] == {"x": 2, "y": "c"}
    assert len(eud.StackDataset(x=a, y=b)) == 4


class _Short:
    """A dataset whose __getitems__ drops the last sample."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return -i

    def __getitems__(self, indices):
        return [-i for i in indices[:-1]]


def test_stack_dataset_getitems_matches_torch():
    a, b = list(range(4)), list("abcd")
    ours = eud.StackDataset(a, eud.Subset(b, [3, 2, 1, 0])).__getitems__([2, 0])
    assert ours == tud.StackDataset(a, tud.Subset(b, [3, 2, 1, 0])).__getitems__([2, 0]) == [(2, "b"), (0, "d")]
    ours = eud.StackDataset(x=a, y=eud.Subset(b, [3, 2, 1, 0])).__getitems__([1, 3])
    assert ours == tud.StackDataset(x=a, y=tud.Subset(b, [3, 2, 1, 0])).__getitems__([1, 3])
    for mod in (eud, tud):
        with pytest.raises(ValueError, match="Nested dataset's output size mismatch. Expected 2, got 1"):
            mod.StackDataset(a, _Short()).__getitems__([0, 1])


@pytest.mark.parametrize("args, kwargs, match", [
    ((), {}, "At least one dataset"), (([1],), {"y": [1]}, "both types"), (([1], [1, 2]), {}, "Size mismatch"),
    ((), {"x": [1], "y": []}, "Size mismatch"),
])
def test_stack_dataset_errors(args, kwargs, match):
    for mod in (eud, tud):
        with pytest.raises(ValueError, match=match):
            mod.StackDataset(*args, **kwargs)


def test_subset_int_and_list_indices():
    data = list(range(10, 20))
    ds, ref = eud.Subset(data, [3, 1, 4]), tud.Subset(data, [3, 1, 4])
    assert [ds[i] for i in range(3)] == [ref[i] for i in range(3)] and len(ds) == len(ref)
    tensors = eud.TensorDataset(ember.arange(10))
    assert eud.Subset(tensors, [3, 1, 4])[[0, 2]][0].tolist() == [3, 4]
    assert ds.__getitems__([2, 0]) == ref.__getitems__([2, 0]) == [14, 13]
    nested = eud.Subset(eud.Subset(data, [9, 8, 7]), [2, 1])
    assert nested.__getitems__([1, 0]) == tud.Subset(tud.Subset(data, [9, 8, 7]), [2, 1]).__getitems__([1, 0])


@pytest.mark.parametrize("n, fractions", [(10, [0.3, 0.7]), (11, [0.5, 0.5]), (7, [0.25, 0.25, 0.25, 0.25]),
                                          (5, [1 / 3, 1 / 3, 1 / 3])])
def test_random_split_fraction_lengths_match_torch(n, fractions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = eud.random_split(list(range(n)), fractions)
        ref = tud.random_split(list(range(n)), fractions)
    assert [len(p) for p in parts] == [len(p) for p in ref]
    assert sorted(x for p in parts for x in p) == list(range(n))


def test_random_split_zero_length_warns():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        eud.random_split(list(range(1)), [0.5, 0.5])


def test_random_split_errors():
    for mod in (eud, tud):
        with pytest.raises(ValueError, match="Sum of input lengths"):
            mod.random_split(list(range(5)), [2, 2])
        with pytest.raises(ValueError, match="not between 0 and 1"):
            mod.random_split(list(range(5)), [1.5, -0.5])


def test_random_split_is_reproducible_with_generator_and_seed():
    def split(**kw):
        return [p.indices for p in eud.random_split(range(20), [5, 15], **kw)]
    assert split(generator=ember.Generator().manual_seed(3)) == split(generator=ember.Generator().manual_seed(3))
    ember.manual_seed(7)
    first = split()
    ember.manual_seed(7)
    assert split() == first
    assert sorted(first[0] + first[1]) == list(range(20))


@given(n=st.integers(0, 50), weights=st.lists(st.integers(1, 10), min_size=1, max_size=6))
def test_random_split_any_fractions_match_torch(n, weights):
    fractions = [w / sum(weights) for w in weights]

    def lengths(mod):
        try:
            return [len(p) for p in mod.random_split(range(n), fractions)]
        except ValueError as e:  # fractions whose float sum passes 1 are taken as lengths
            return str(e)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert lengths(eud) == lengths(tud)
