"""x[key] and x[key] = value against torch: every mix of ints, slices, None, Ellipsis, bools,
lists and int, bool and uint8 tensors (hypothesis draws them), values and gradients in float64,
the errors torch raises, and the view/version behaviour of reads and writes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ember

from .conftest import assert_same_raise

RTOL = 1e-12
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# A key is drawn as a list of specs, each turned into the same index for ember and for torch:
# ("int", i), ("slice", s), ("none",), ("ellipsis",), ("bool", b), ("list", [...]),
# ("tensor", array) (int64, int32, bool or uint8; 0-d arrays included)


@st.composite
def _item(draw: Any, sizes: tuple) -> tuple:
    """One index item standing on the dims of `sizes` (the item's own dims come first)."""
    n = sizes[0]
    kind = draw(st.sampled_from(["int", "slice", "list", "long", "int32", "scalar", "mask", "uint8"]))
    if kind == "int":
        return ("int", draw(st.integers(-n, n - 1))), 1
    if kind == "slice":
        start = draw(st.none() | st.integers(-n - 1, n + 1))
        stop = draw(st.none() | st.integers(-n - 1, n + 1))
        return ("slice", slice(start, stop, draw(st.none() | st.integers(1, 3)))), 1
    if kind == "scalar":
        return ("tensor", np.array(draw(st.integers(-n, n - 1)), dtype=np.int64)), 1
    if kind in ("mask", "uint8"):
        k = draw(st.integers(1, len(sizes)))
        mask = np.array(draw(st.lists(st.booleans(), min_size=int(np.prod(sizes[:k])), max_size=int(np.prod(sizes[:k])))))
        mask = mask.reshape(sizes[:k])
        return ("tensor", mask if kind == "mask" else mask.astype(np.uint8)), k
    shape = draw(st.sampled_from([(1,), (2,), (3,), (2, 2), (1, 3)]))
    values = np.array(draw(st.lists(st.integers(-n, n - 1), min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))))
    if kind == "list":
        return ("list", values.reshape(shape).tolist()), 1
    return ("tensor", values.reshape(shape).astype(np.int64 if kind == "long" else np.int32)), 1


@st.composite
def _items(draw: Any, sizes: tuple, fill: bool) -> list:
    """Items standing on the dims of `sizes` in order (all of them when `fill`), with None,
    bools and 0-d bool tensors (which stand on none) sprinkled in."""
    items, d = [], 0
    while d < len(sizes) and (fill or draw(st.booleans())):
        if draw(st.integers(0, 4)) == 0:
            extra = draw(st.sampled_from([("none",), ("bool", True), ("bool", False), ("tensor", np.array(True))]))
            items.append(extra)
            continue
        item, used = draw(_item(sizes[d:]))
        items.append(item)
        d += used
    return items, d


@st.composite
def indexing_case(draw: Any) -> tuple:
    """A shape and a key for it: front items, maybe `...` and back items filling the last dims."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))
    front, used = draw(_items(shape, fill=False))
    key = list(front)
    if draw(st.booleans()):
        start = draw(st.integers(used, len(shape)))
        back, _ = draw(_items(shape[start:], fill=True))
        key += [("ellipsis",)] + back
    assume(key)
    return shape, key


def _index(spec: list, lib: Any) -> tuple:
    out = []
    for item in spec:
        kind = item[0]
        if kind == "none":
            out.append(None)
        elif kind == "ellipsis":
            out.append(Ellipsis)
        elif kind == "tensor":
            out.append(lib.tensor(item[1]) if lib is ember else torch.from_numpy(item[1].copy()))
        else:
            out.append(item[1])
    return tuple(out)


def _torch_or_error(fn: Any) -> Any:
    """torch's answer, or the exception type it raises (ember must raise the same)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn()
        except (IndexError, RuntimeError, ValueError) as e:
            return type(e)


def _weights(shape: tuple, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, shape)


@SETTINGS
@given(indexing_case())
def test_getitem_matches_torch_values_and_gradient(case):
    shape, spec = case
    data = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) + 0.5
    tx = torch.tensor(data, requires_grad=True)
    ty = _torch_or_error(lambda: tx[_index(spec, torch)])
    ex = ember.tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(ty, type):
            with pytest.raises(ty):
                ex[_index(spec, ember)]
            return
        ey = ex[_index(spec, ember)]
    assert ey.shape == tuple(ty.shape)
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    w = _weights(tuple(ty.shape))
    (ty * torch.tensor(w)).sum().backward()
    (ey * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=RTOL, atol=0)


@SETTINGS
@given(indexing_case(), st.data())
def test_setitem_matches_torch_values_and_gradients(case, data):
    shape, spec = case
    base = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) + 0.5
    positions = _torch_or_error(lambda: torch.arange(int(np.prod(shape))).reshape(shape)[_index(spec, torch)])
    assume(not isinstance(positions, type))
    # a position written twice keeps whichever write lands last, which torch leaves unspecified
    assume(positions.unique().numel() == positions.numel())
    target = tuple(positions.shape)
    value_shape = tuple(data.draw(st.sampled_from([1, n])) if data.draw(st.booleans()) else n for n in target)
    value_shape = (1,) * data.draw(st.integers(0, 1)) + value_shape[data.draw(st.integers(0, len(value_shape))):]
    value = _weights(value_shape, 1)

    t0, tv = torch.tensor(base, requires_grad=True), torch.tensor(value, requires_grad=True)
    e0, ev = ember.tensor(base, requires_grad=True), ember.tensor(value, requires_grad=True)
    tx, ex = t0 * 1, e0 * 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # torch writes one element through a lone mask with masked_fill_, which refuses uint8
        assume(_torch_or_error(lambda: tx.clone().__setitem__(_index(spec, torch), tv.detach())) is None)
        tx[_index(spec, torch)] = tv
        ex[_index(spec, ember)] = ev
    np.testing.assert_array_equal(ex.detach().numpy(), tx.detach().numpy())
    w = _weights(shape, 2)
    (tx * torch.tensor(w)).sum().backward()
    (ex * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(e0.grad.numpy(), t0.grad.numpy(), rtol=RTOL, atol=0)
    np.testing.assert_allclose(ev.grad.numpy(), tv.grad.numpy(), rtol=RTOL, atol=0)


@SETTINGS
@given(indexing_case())
def test_setitem_of_a_number_without_a_graph_matches_torch(case):
    shape, spec = case
    tx = torch.zeros(shape, dtype=torch.int64)
    ex = ember.zeros(shape, dtype=ember.int64)
    result = _torch_or_error(lambda: tx.__setitem__(_index(spec, torch), 7))
    assume(not (result is RuntimeError and any(i[0] == "tensor" and i[1].dtype == np.uint8 for i in spec)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(result, type):
            with pytest.raises(result):
                ex[_index(spec, ember)] = 7
            return
        ex[_index(spec, ember)] = 7
    np.testing.assert_array_equal(ex.numpy(), tx.numpy())
    assert ex._version == tx._version


# torch's rules that NumPy does not share, one case each


X = np.arange(24.0).reshape(2, 3, 4)

KEYS = {
    "int between slice and list": (0, slice(None), [0, 1, 2]),
    "int between two lists": ([0, 1], 1, [0, 1]),
    "0-d int tensor is an int": (torch.tensor(0), slice(None), [0, 1, 2]),
    "True adds a dim": True,
    "False adds an empty dim": False,
    "bool between indices": (slice(None), True, [0, 1]),
    "0-d bool tensor adds a dim": torch.tensor(True),
    "None between lists": ([0, 1], None, [0, 1]),
    "list after ellipsis": (Ellipsis, [0, 1]),
    "2-d list before ellipsis": ([[0]], Ellipsis, [0, 1]),
    "2-d mask": torch.ones(2, 3, dtype=torch.bool),
    "mask after slice": (slice(None), torch.tensor([[True, False, True, False]] * 3)),
    "int32 tensor": torch.tensor([1, 0], dtype=torch.int32),
    "repeated negative list": [-1, -1, 0],
    "empty list": [],
    "list of bools is a mask": [True, False],
    "int and bool list is ints": [True, 1],
    "long list": [0] * 33,
    "empty ellipsis between lists": ([0, 1], Ellipsis, [0, 1], slice(None)),
    "two ellipses": (Ellipsis, 0, Ellipsis),
    "two ellipses and a list": (0, Ellipsis, [0], Ellipsis),
    "ellipses around every dim": (0, 1, Ellipsis, 2, Ellipsis),
}


def _as_ember(key: Any) -> Any:
    if isinstance(key, torch.Tensor):
        return ember.tensor(key.numpy())
    if isinstance(key, tuple):
        return tuple(_as_ember(k) for k in key)
    return key


@pytest.mark.parametrize("name", KEYS)
def test_torch_indexing_rules(name):
    key = KEYS[name]
    tx, ex = torch.tensor(X, requires_grad=True), ember.tensor(X, requires_grad=True)
    ty, ey = tx[key], ex[_as_ember(key)]
    assert ey.shape == tuple(ty.shape)
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    ty.sum().backward()
    ey.sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())


def test_uint8_index_is_a_mask_with_torchs_warning():
    mask = np.array([1, 0], dtype=np.uint8)
    with pytest.warns(UserWarning, match="uint8 is now deprecated"):
        t = torch.tensor(X)[torch.from_numpy(mask)]
    with pytest.warns(UserWarning, match="uint8 is now deprecated"):
        e = ember.tensor(X)[ember.tensor(mask)]
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("key", [[[0, 1], [1, 2]], [0, slice(None)], [torch.tensor(0), 1]], ids=str)
def test_short_list_of_sequences_is_a_tuple_with_torchs_warning(key):
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        t = torch.tensor(X)[key]
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        e = ember.tensor(X)[[_as_ember(k) for k in key]]
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_repeated_indices_accumulate_in_the_gradient():
    tx, ex = torch.tensor(X, requires_grad=True), ember.tensor(X, requires_grad=True)
    key = ([1, 1, 0, 1], slice(None), [3, 3, 3, 0])
    tx[key].sum().backward()
    ex[key].sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    assert ex.grad.numpy()[1, 0, 3] == 2


def test_views_and_copies_as_torch():
    e = ember.tensor(X)
    e[0][1, 2] = -1.0  # an int reads a view
    e[ember.tensor(1)][0, 0] = -2.0  # so does a 0-d integer tensor
    e[[0]][0, 0, 0] = 99.0  # a list reads a copy
    assert e[0, 1, 2].item() == -1.0 and e[1, 0, 0].item() == -2.0 and e[0, 0, 0].item() == 0.0


def test_setitem_bumps_the_version_but_false_writes_nothing():
    t, e = torch.zeros(2, 3), ember.zeros(2, 3)
    for key in (0, [1], (slice(None), torch.tensor([True, False, True])), False, True):
        t[key] = 1.0
        e[_as_ember(key)] = 1.0
        assert e._version == t._version, key
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_setitem_value_with_leading_ones_and_broadcast():
    t, e = torch.zeros(2, 3, 4, dtype=torch.float64), ember.zeros(2, 3, 4, dtype=ember.float64)
    v = np.arange(4.0).reshape(1, 1, 4)
    for key in (0, ([0, 1],), (0, slice(None), [0, 1, 2, 3])):
        t[key] = torch.tensor(v)
        e[key] = ember.tensor(v)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_setitem_casts_numbers_and_view_writes_but_index_put_does_not_cast():
    t, e = torch.zeros(3, dtype=torch.int64), ember.zeros(3, dtype=ember.int64)
    t[0], e[0] = 1.7, 1.7
    t[1:] = torch.tensor([2.5, 3.5])
    e[1:] = ember.tensor([2.5, 3.5])
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert_same_raise(
        lambda: e.__setitem__([0], ember.tensor(1.5)),
        lambda: t.__setitem__([0], torch.tensor(1.5)),
        "Index put requires the source and destination dtypes match, got Long for the destination and Float",
    )


def test_getitem_and_setitem_pass_gradcheck():
    x = ember.tensor(np.random.default_rng(0).uniform(size=(2, 3, 4)), requires_grad=True)
    v = ember.tensor(np.random.default_rng(1).uniform(size=(3, 2)), requires_grad=True)

    def put(x, v):
        y = x * 1
        y[0, :, [1, 3]] = v
        return y

    assert ember.autograd.gradcheck(lambda x: x[0, :, [0, 2, 2]], (x,))
    assert ember.autograd.gradcheck(lambda x: x[[1, 0], 1:, [0, 3]], (x,))
    assert ember.autograd.gradcheck(put, (x, v))
    assert ember.autograd.gradgradcheck(lambda x: x[0, :, [0, 2, 2]] ** 2, (x,))


def _through_a_view(lib, x, v):
    y = x * 1
    row = y[1]
    row[[0, 2], 1:] = v[:1].reshape(1, 1) * 2
    row[:, [True, False, True, False]] = v[1]
    return y


def _mask_of_itself(lib, x, v):
    y = x * 1
    y[y > 10] = v[2]
    return y


def _accumulate_with_a_mask(lib, x, v):
    index = (lib.tensor(np.array([True, False])), lib.tensor([0, 0, 2]))
    return (x * 1).index_put(index, v.reshape(3, 1).expand(3, 4) * 1, accumulate=True)


def _read_after_write(lib, x, v):
    y = x * 1
    y[0, :, [1, 3]] = v.reshape(3, 1)
    return y[:, [2, 1, 1], 0]


@pytest.mark.parametrize("fn", [_through_a_view, _mask_of_itself, _accumulate_with_a_mask, _read_after_write])
def test_writes_in_a_graph_match_torch(fn):
    results = []
    for lib in (torch, ember):
        x = lib.tensor(X, requires_grad=True)
        v = lib.tensor(np.arange(1.0, 4.0), requires_grad=True)
        y = fn(lib, x, v)
        (y * lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), v.grad.numpy()))
    for e, t in zip(results[1], results[0]):
        np.testing.assert_allclose(e, t, rtol=RTOL, atol=0)


def test_index_put_matches_torch():
    idx = (np.array([0, 2, 0]), np.array([1, 1, 1]))
    for accumulate in (False, True):
        t0, tv = torch.zeros(3, 2, dtype=torch.float64, requires_grad=True), torch.ones(3, dtype=torch.float64, requires_grad=True)
        e0, ev = ember.zeros(3, 2, dtype=ember.float64, requires_grad=True), ember.ones(3, dtype=ember.float64, requires_grad=True)
        ty = (t0 * 1).index_put_(tuple(torch.from_numpy(i) for i in idx), tv * torch.tensor([1.0, 2.0, 2.0], dtype=torch.float64), accumulate)
        ey = (e0 * 1).index_put_(tuple(ember.tensor(i) for i in idx), ev * ember.tensor([1.0, 2.0, 2.0]), accumulate)
        np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
        (ty * torch.arange(6.0).reshape(3, 2)).sum().backward()
        (ey * ember.arange(6.0).reshape(3, 2)).sum().backward()
        np.testing.assert_array_equal(e0.grad.numpy(), t0.grad.numpy())
        np.testing.assert_array_equal(ev.grad.numpy(), tv.grad.numpy())


ERRORS = {
    "int out of range": (lambda x: x[5], "index 5 is out of bounds for dimension 0 with size 2"),
    "list out of range": (lambda x: x[[5]], "out of bounds for dimension 0 with size 2"),
    "too many indices": (lambda x: x[0, 0, 0, 0], "too many indices for tensor"),
    "an int after a second ellipsis": (lambda x: x[..., 0, ..., 1], None),
    "negative step": (lambda x: x[::-1], "step must be greater than zero"),
    "float": (lambda x: x[1.0], "only integers, slices"),
    "numpy bool": (lambda x: x[np.bool_(True)], "only integers, slices"),
    "set": (lambda x: x[{1}], "only integers, slices"),
    "float tensor": (lambda x: x[x.new_tensor([1.0])], "tensors used as indices must be long, int, byte or bool"),
    "int16 tensor": (lambda x: x[x.new_tensor([1]).short()], "tensors used as indices must be long"),
    "mask shape": (lambda x: x[x.new_tensor([True, False, True]).bool()], None),
    "indices do not broadcast": (lambda x: x[[0, 1], [0, 1, 2]], "shape mismatch"),
    "0-d tensor": (lambda x: x[0, 0, 0][0], None),
    "setitem value shape (view)": (
        lambda x: x.__setitem__(0, x.new_zeros(2, 4)),
        "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0",
    ),
    "setitem value shape (index)": (
        lambda x: x.__setitem__([0, 1], x.new_zeros(2, 4)),
        "shape mismatch: value tensor of shape [2, 4] cannot be broadcast to indexing result of shape [2, 3, 4]",
    ),
    "setitem value list": (lambda x: x.__setitem__(0, [1.0, 2.0, 3.0, 4.0]), "can't assign a list"),
    "setitem out of range": (lambda x: x.__setitem__([5], 1.0), "out of bounds"),
    "index_put number": (lambda x: x.index_put_((x.new_tensor([0]).long(),), 1.0), "must be Tensor, not float"),
    "index_put int index": (lambda x: x.index_put_((0,), x.new_tensor(1.0)), "expected Tensor as element 0"),
    "index_put dtype": (lambda x: x.index_put_((x.new_tensor([0]).long(),), x.new_tensor(1.0).float()), "dtypes match"),
    "index_put too many": (
        lambda x: x.index_put_(tuple(x.new_tensor([0]).long() for _ in range(4)), x.new_tensor(1.0)),
        "too many indices for tensor of dimension 3 (got 4)",
    ),
    "index_put accumulate out of range": (
        lambda x: x.index_put_((x.new_tensor([0, 2]).long(),), x.new_ones(3, 4), accumulate=True),
        "index 2 is out of bounds for dimension 0 with size 2",
    ),
    "index_put accumulate shape": (
        lambda x: x.index_put_((x.new_tensor([0, 0]).long(),), x.new_ones(5), accumulate=True),
        "shape mismatch",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_indexing_errors_match_torch(name):
    fn, match = ERRORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_raise(lambda: fn(ember.tensor(X)), lambda: fn(torch.tensor(X)), match)
