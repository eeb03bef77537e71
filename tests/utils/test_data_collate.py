"""default_collate and default_convert against torch.utils.data's."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import ember
import ember.utils.data as eud

Point = collections.namedtuple("Point", "x y")


def _to_torch(sample):
    """The same sample with ember tensors swapped for torch tensors."""
    if isinstance(sample, ember.Tensor):
        return torch.from_numpy(sample.numpy().copy())
    if isinstance(sample, dict):
        return type(sample)((k, _to_torch(v)) for k, v in sample.items())
    if isinstance(sample, Point):
        return Point(*map(_to_torch, sample))
    if isinstance(sample, (list, tuple)):
        return type(sample)(map(_to_torch, sample))
    return sample


def _plain(out):
    """A comparable form of a collated batch: tensors as (dtype name, shape, values)."""
    if isinstance(out, (ember.Tensor, torch.Tensor)):
        return (str(out.dtype).split(".")[-1], tuple(out.shape), out.tolist())
    if isinstance(out, dict):
        return (type(out).__name__, {k: _plain(v) for k, v in out.items()})
    if isinstance(out, (list, tuple)):
        return (type(out).__name__, [_plain(v) for v in out])
    return out


BATCHES = {
    "tensors": [ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])],
    "int_tensors": [ember.tensor(1), ember.tensor(2)],
    "ints": [1, 2, 3],
    "floats": [1.5, 2.0],
    "bools": [True, False],
    "int_and_bool": [1, True],
    "strings": ["a", "b"],
    "np_arrays": [np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int32)],
    "np_float_scalars": [np.float32(1.5), np.float32(2.5)],
    "np_int_scalars": [np.int64(1), np.int64(2)],
    "np_uint8_scalars": [np.uint8(3), np.uint8(250)],
    "np_bool_scalars": [np.bool_(True), np.bool_(False)],
    "np_mixed_scalars": [np.float32(1.5), np.float64(2.5)],
    "np_0d_arrays": [np.array(3.0), np.array(4.0)],
    "tuples": [(ember.tensor([1]), 2, "x"), (ember.tensor([3]), 4, "y")],
    "lists": [[1, 2.0], [3, 4.0]],
    "dicts": [{"a": 1, "b": ember.zeros(2)}, {"a": 2, "b": ember.ones(2)}],
    "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
    "nested": [{"p": Point([1, 2], "s")}, {"p": Point([3, 4], "t")}],
    "ordered_dicts": [collections.OrderedDict(a=1.0), collections.OrderedDict(a=2.0)],
}


@pytest.mark.parametrize("name", BATCHES)
def test_default_collate_matches_torch(name):
    batch = BATCHES[name]
    assert _plain(eud.default_collate(batch)) == _plain(tud.default_collate(_to_torch(batch)))


@pytest.mark.parametrize("name", BATCHES)
def test_default_convert_matches_torch(name):
    sample = BATCHES[name]
    assert _plain(eud.default_convert(sample)) == _plain(tud.default_convert(_to_torch(sample)))


@pytest.mark.parametrize("sample", [np.float64(2.5), np.arange(4).reshape(2, 2), (np.int32(1), "a"), "text", 3])
def test_default_convert_single_samples(sample):
    assert _plain(eud.default_convert(sample)) == _plain(tud.default_convert(sample))


def test_default_convert_keeps_string_arrays():
    strings = np.array(["a", "b"])
    assert eud.default_convert(strings) is strings and tud.default_convert(strings) is strings


def test_stack_size_error_names_entries():
    batch = [ember.zeros(2), ember.zeros(2), ember.zeros(3)]
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 "
                                           r"and \[3\] at entry 2"):
        eud.default_collate(batch)
    with pytest.raises(RuntimeError, match=r"but got \[2\] at entry 0 and \[3\] at entry 2"):
        tud.default_collate([torch.zeros(2), torch.zeros(2), torch.zeros(3)])


def test_unequal_sequences_error():
    for mod in (eud, tud):
        with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
            mod.default_collate([[1, 2], [3]])


@pytest.mark.parametrize("batch", [[object(), object()], [np.array(["a"]), np.array(["b"])], [None, None]])
def test_unsupported_elements_raise_type_error(batch):
    for mod in (eud, tud):
        with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
            mod.default_collate(batch)
