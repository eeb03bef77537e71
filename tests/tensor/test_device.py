"""`ember.device` against `torch.device`: every device type constructs, prints, compares and
hashes as torch's does; malformed specs raise torch's exception with torch's message."""

import copy
import pickle
from typing import Any

import pytest
import torch

import ember

SPECS: list[tuple[Any, ...]] = [
    ("cpu",), ("cpu:0",), ("cpu:1",), ("cuda",), ("cuda:0",), ("cuda:1",), ("cuda:12",), ("mps",),
    ("meta",), ("xla:0",), ("xpu",), ("hip:2",), ("privateuseone",), ("cuda", 0), ("cuda", 3),
    ("mps", None), ("cpu", 0),
]


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_construction_and_printing_match_torch(spec: tuple[Any, ...]) -> None:
    ours, theirs = ember.device(*spec), torch.device(*spec)
    assert (str(ours), repr(ours), ours.type, ours.index) == (str(theirs), repr(theirs), theirs.type, theirs.index)
    assert ember.device(ours) == ours and ember.device(str(ours)) == ours
    assert ember.device(type=spec[0]) == ember.device(spec[0])


def test_equality_and_hash_match_torch() -> None:
    pairs = [("cuda", "cuda"), ("cuda", "cuda:0"), ("cuda:0", "cuda:0"), ("cuda:0", "cuda:1"),
             ("cpu", "cuda"), ("cpu", "cpu:0"), ("mps", "mps")]
    for a, b in pairs:
        assert (ember.device(a) == ember.device(b)) == (torch.device(a) == torch.device(b)), (a, b)
        assert (ember.device(a) != ember.device(b)) == (torch.device(a) != torch.device(b)), (a, b)
    assert ember.device("cuda", 1) == ember.device("cuda:1")
    assert hash(ember.device("cuda", 1)) == hash(ember.device("cuda:1"))
    assert {ember.device("cuda:1"): 1}[ember.device("cuda", 1)] == 1
    for other in ("cuda:1", 1, None):  # torch compares a device with devices only
        assert (ember.device("cuda:1") == other) is (torch.device("cuda:1") == other) is False


def test_read_only_pickles_and_copies() -> None:
    dev = ember.device("cuda", 1)
    for attr in ("type", "index"):
        with pytest.raises(AttributeError):
            setattr(torch.device("cuda", 1), attr, "cpu")
        with pytest.raises(AttributeError):
            setattr(dev, attr, "cpu")
    for back in (pickle.loads(pickle.dumps(dev)), copy.deepcopy(dev), copy.copy(dev)):
        assert type(back) is ember.device and back == dev and repr(back) == repr(dev)
    assert pickle.loads(pickle.dumps(ember.device("mps"))).index is None


BAD_SPECS: list[tuple[Any, ...]] = [
    ("foo",), ("CUDA",), ("foo:1",), ("a_b",), ("cuda:-1",), ("cuda:01",), ("cuda:",), ("cuda:x",),
    ("cuda: 1",), (" cuda",), ("cuda:1:2",), ("1",), ("",), ("cuda:1", 0), ("cuda", -1), ("foo", 1),
]


@pytest.mark.parametrize("spec", BAD_SPECS, ids=str)
def test_malformed_specs_raise_torchs_error(spec: tuple[Any, ...]) -> None:
    with pytest.raises(RuntimeError) as theirs:
        torch.device(*spec)
    with pytest.raises(RuntimeError) as ours:
        ember.device(*spec)
    assert type(ours.value) is RuntimeError and str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("spec", [("cuda", 1.0), ("cuda", True), (None,), (True,), (1.5,)], ids=str)
def test_wrong_argument_types_raise_type_error(spec: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError):
        torch.device(*spec)
    with pytest.raises(TypeError, match=r"device\(\): argument"):
        ember.device(*spec)


def test_a_bare_index_names_an_accelerator_there_is_none_of() -> None:
    for index, message in ((3, "Cannot access accelerator device when none is available"),
                           (-1, "Device index must not be negative")):
        with pytest.raises(RuntimeError, match=message):
            torch.device(index)
        with pytest.raises(RuntimeError, match=message):
            ember.device(index)
        with pytest.raises(RuntimeError, match=message):
            ember.ones(1).to(index)
