"""`ember.Size` against `torch.Size`: what `shape` and `size()` return, how it prints, combines,
converts, fails, pickles, and that every function taking a shape takes one."""

import copy
import pickle
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember


def _same(ours: Any, theirs: Any) -> None:
    """Equal values and the same kind of result (Size for Size, tuple for tuple, int for int)."""
    kind = {torch.Size: ember.Size}.get(type(theirs), type(theirs))
    assert type(ours) is kind and ours == theirs, (ours, theirs)


def test_shape_and_size_are_sizes() -> None:
    for lib in (ember, torch):
        x = lib.zeros(2, 3)
        assert type(x.shape) is type(x.size()) is lib.Size and isinstance(x.shape, tuple)
        assert x.shape == (2, 3) and x.size() != [2, 3]  # a Size is a tuple, no list
        assert type(x.size(1)) is int and x.size(-1) == 3
        assert type(lib.nn.Parameter(x).shape) is lib.Size and type(lib.nn.Linear(3, 4).weight.shape) is lib.Size
        assert type(x[0].shape) is type(lib.tensor(1.0).size()) is lib.Size
    x = ember.ones(2, requires_grad=True)
    (x * 2).sum().backward()
    assert type(x.grad.shape) is ember.Size and x.shape == torch.ones(2).shape


@pytest.mark.parametrize("sizes", [[3, 4], [], [0], [1, 2, 3, 4, 5], [7]])
def test_repr_str_and_numel_match_torch(sizes: list[int]) -> None:
    ours, theirs = ember.Size(sizes), torch.Size(sizes)
    assert repr(ours) == str(ours) == repr(theirs).replace("torch.", "ember.")
    assert repr(ember.zeros(*sizes).shape) == repr(ours)
    assert f"{ours}" == str(ours) and ours.numel() == theirs.numel() == ember.zeros(*sizes).numel()
    assert ours == theirs == tuple(sizes) and hash(ours) == hash(theirs) == hash(tuple(sizes))


OPERATIONS: dict[str, Callable[[type], Any]] = {
    "index": lambda S: S([2, 3, 4])[1],
    "negative index": lambda S: S([2, 3, 4])[-1],
    "slice": lambda S: S([2, 3, 4])[1:],
    "step slice": lambda S: S([2, 3, 4])[::-1],
    "empty slice": lambda S: S([2, 3, 4])[5:],
    "Size + tuple": lambda S: S([2]) + (3,),
    "tuple + Size": lambda S: (3,) + S([2]),
    "Size + Size": lambda S: S([2]) + S([3]),
    "Size + ()": lambda S: S([1, 2]) + (),
    "() + Size": lambda S: () + S([1, 2]),
    "sum": lambda S: sum([S([1]), S([2])], ()),
    "Size * int": lambda S: S([2, 1]) * 2,
    "int * Size": lambda S: 2 * S([2, 1]),
    "Size * 0": lambda S: S([2]) * 0,
    "tuple(Size)": lambda S: tuple(S([2, 3])),
    "list(Size)": lambda S: list(S([2, 3])),
    "count": lambda S: S([2, 3, 2]).count(2),
    "index()": lambda S: S([2, 3]).index(3),
    "len": lambda S: len(S([2, 3])),
    "in": lambda S: 3 in S([2, 3]),
    "<": lambda S: S([1, 2]) < (1, 3),
    "== list": lambda S: S([1, 2]) == [1, 2],
    "== tuple": lambda S: S([1, 2]) == (1, 2),
    "from a Size": lambda S: S(S([1, 2])),
    "from a generator": lambda S: S(n for n in range(3)),
    "from a range": lambda S: S(range(2)),
    "from bools": lambda S: S([True, False]),
    "negative sizes": lambda S: S([-1, 2]),
    "from numpy ints": lambda S: tuple(map(type, S(np.array([1, 2], dtype=np.int32)))) and S([np.int64(3)]),
    "no argument": lambda S: S(),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_operations_match_torch(name: str) -> None:
    _same(OPERATIONS[name](ember.Size), OPERATIONS[name](torch.Size))


def test_reads_integer_tensors_and_index_objects_as_torch() -> None:
    class Four:
        def __index__(self) -> int:
            return 4

    for lib in (ember, torch):
        assert lib.Size(lib.tensor([1, 2])) == (1, 2) and lib.Size([lib.tensor(3)]) == (3,)
        assert lib.Size([Four()]) == (4,) and type(lib.Size([Four()])[0]) is int
    assert ember.Size([2 ** 63 - 1, -2 ** 63]) == (2 ** 63 - 1, -2 ** 63)
    for big in (2 ** 63, -2 ** 63 - 1):  # torch's error outside pytest.raises (inside it, torch's check misfires)
        with pytest.raises(ValueError, match="^Overflow when unpacking long long$"):
            ember.Size([big])


ERRORS: dict[str, Callable[[type, Any], Any]] = {
    "float item": lambda S, lib: S([2.0]),
    "str item": lambda S, lib: S(["a"]),
    "None item": lambda S, lib: S([2, None]),
    "list item": lambda S, lib: S([[1]]),
    "numpy float item": lambda S, lib: S([np.float64(2)]),
    "numpy bool item": lambda S, lib: S([np.bool_(True)]),
    "float tensor item": lambda S, lib: S([lib.tensor(3.0)]),
    "an int": lambda S, lib: S(3),
    "None": lambda S, lib: S(None),
    "+ list": lambda S, lib: S([2]) + [3],
    "+ int": lambda S, lib: S([2]) + 1,
    "* float": lambda S, lib: S([2]) * 1.5,
    "list +": lambda S, lib: [1] + S([2]),
    "index out of range": lambda S, lib: S([1, 2])[5],
    "str index": lambda S, lib: S([1, 2])["a"],
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_match_torch(name: str) -> None:
    with pytest.raises(Exception) as theirs:
        ERRORS[name](torch.Size, torch)
    with pytest.raises(type(theirs.value)) as ours:
        ERRORS[name](ember.Size, ember)
    assert str(ours.value).replace("ember.", "torch.").replace('"Size"', '"torch.Size"') == str(theirs.value)


def test_pickles_and_copies_as_a_size() -> None:
    size = ember.zeros(2, 3).shape
    for back in (pickle.loads(pickle.dumps(size)), copy.deepcopy(size), copy.copy(size),
                 pickle.loads(pickle.dumps({"s": size}, protocol=2))["s"]):
        assert type(back) is ember.Size and back == (2, 3)
    assert size.__reduce__() == (ember.Size, ((2, 3),))
    assert {size: 1}[(2, 3)] == 1 and {(2, 3): 1}[size] == 1


SHAPE_TAKERS: dict[str, Callable[[Any, Any], Any]] = {
    "zeros": lambda lib, s: lib.zeros(s),
    "ones": lambda lib, s: lib.ones(s, dtype=lib.int64),
    "empty": lambda lib, s: lib.empty(s),
    "full": lambda lib, s: lib.full(s, 2.0),
    "randn": lambda lib, s: lib.randn(s),
    "rand": lambda lib, s: lib.rand(s),
    "randint": lambda lib, s: lib.randint(0, 3, s),
    "legacy Tensor": lambda lib, s: lib.Tensor(s),
    "legacy LongTensor": lambda lib, s: lib.LongTensor(s),
    "reshape": lambda lib, s: lib.arange(6.0).reshape(s),
    "view": lambda lib, s: lib.arange(6.0).view(s),
    "expand": lambda lib, s: lib.ones(3).expand(s),
    "new_zeros": lambda lib, s: lib.ones(1).new_zeros(s),
    "new_full": lambda lib, s: lib.ones(1).new_full(s, 3.0),
    "unflatten": lambda lib, s: lib.arange(6.0).unflatten(0, s),
    "broadcast_to": lambda lib, s: lib.broadcast_to(lib.ones(3), s),
}


@pytest.mark.parametrize("name", SHAPE_TAKERS)
def test_a_size_is_taken_wherever_a_shape_is(name: str) -> None:
    ours = SHAPE_TAKERS[name](ember, ember.zeros(2, 3).shape)
    theirs = SHAPE_TAKERS[name](torch, torch.zeros(2, 3).shape)
    assert ours.shape == theirs.shape == (2, 3) and ours.dtype.name == str(theirs.dtype).removeprefix("torch.")


def test_size_of_a_dim_out_of_range_raises_torchs_error() -> None:
    for make, dim in ((lambda lib: lib.zeros(2), 1), (lambda lib: lib.zeros(2, 3), -3),
                      (lambda lib: lib.tensor(1.0), 0), (lambda lib: lib.zeros(2), 1.0)):
        with pytest.raises((IndexError, TypeError)) as theirs:
            make(torch).size(dim)
        with pytest.raises(type(theirs.value), match=None) as ours:
            make(ember).size(dim)
        assert str(ours.value) == str(theirs.value)


def test_messages_print_sizes_as_torch() -> None:
    ours, theirs = ember.nn.MultiheadAttention(4, 2), torch.nn.MultiheadAttention(4, 2)
    errors = []
    for lib, m in ((ember, ours), (torch, theirs)):
        q = lib.zeros(3, 1, 4)
        with pytest.raises(RuntimeError) as info:
            m(q, q, q, attn_mask=lib.zeros(5, 5, dtype=lib.bool))
        errors.append(str(info.value))
    assert errors[0] == errors[1].replace("torch.", "ember.")
    for lib in (ember, torch):
        x = lib.zeros(2, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"attempting to assign a gradient of size '\[3\]' to a tensor of size '\[2\]'"):
            x.grad = lib.zeros(3)
