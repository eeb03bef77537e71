"""clamp with tensor bounds is one node, ClampBackward0, as in torch: values, dtypes, every
input's gradient (an element at a bound keeps its gradient in x; min > max gives max), NaN,
broadcasting, next_functions, errors, in-place use and double backward, all against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from ember.autograd import gradcheck, gradgradcheck

from .conftest import TOLERANCE

NAN = float("nan")

# x, lo, hi (None: no bound); ties at both bounds, min > max, and NaN in each place
CASES = {
    "ties": ([0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]),
    "min-above-max": ([0.0, 1.0, 2.5, 3.0], [1.0, 3.0, 3.0, 1.0], [2.0, 2.0, 2.0, 2.0]),
    "min-equals-max": ([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]),
    "nan": ([NAN, 1.0, 5.0, 0.5], [0.0, NAN, 0.0, 0.0], [3.0, 3.0, NAN, 3.0]),
    "min-only": ([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], None),
    "max-only": ([0.0, 1.0, 2.0], None, [1.0, 1.0, 1.0]),
    "broadcast-bounds": ([[0.0, 1.5, 3.0], [2.0, -1.0, 1.0]], [[1.0], [2.0]], [2.5]),
    "bounds-broadcast-x": ([0.0, 1.5, 3.0], [[1.0], [2.0]], None),
}


def _run(lib, case, dtype, grads=(True, True, True)):
    tensors = [None if v is None else lib.tensor(v, dtype=dtype, requires_grad=g) for v, g in zip(case, grads)]
    y = lib.clamp(*tensors)
    y.backward(lib.ones_like(y) * lib.arange(1, y.numel() + 1, dtype=dtype).reshape(y.shape))
    nodes = [None if n is None else type(n).__name__ for n, _ in y.grad_fn.next_functions]
    return y, [None if t is None else t.grad for t in tensors], y.grad_fn.name(), nodes


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_matches_torch(case, dtype):
    rtol, atol = TOLERANCE[dtype]
    ey, eg, ename, enodes = _run(ember, case, getattr(ember, dtype))
    ty, tg, tname, tnodes = _run(torch, case, getattr(torch, dtype))
    assert (ename, enodes) == (tname, tnodes) == ("ClampBackward0", tnodes)
    assert ey.dtype.name == dtype and tuple(ey.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    for e, t in zip(eg, tg):
        assert (e is None) == (t is None)
        if e is not None:
            np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("grads", [(True, False, True), (False, True, False), (True, False, False)])
def test_bounds_that_need_no_gradient_are_listed_as_none(grads):
    case = CASES["ties"]
    (_, eg, _, enodes), (_, tg, _, tnodes) = (_run(lib, case, lib.float64, grads) for lib in (ember, torch))
    assert enodes == tnodes
    assert [g is None for g in eg] == [g is None for g in tg]


@pytest.mark.parametrize(
    "dtypes", [("int64", "float32", "int64"), ("float16", "float64", None), ("int64", "float64-0d", None), ("int32", "int64", "int64")]
)
def test_result_dtype_as_torch(dtypes):
    def make(lib, name, value):
        if name is None:
            return None
        if name.endswith("-0d"):
            return lib.tensor(value[0], dtype=getattr(lib, name[:-3]))
        return lib.tensor(value, dtype=getattr(lib, name))

    values = ([1, 5, 9], [2, 2, 2], [7, 7, 7])
    out = {lib: lib.clamp(*[make(lib, n, v) for n, v in zip(dtypes, values)]) for lib in (ember, torch)}
    assert out[ember].dtype.name == str(out[torch].dtype).removeprefix("torch.")
    np.testing.assert_array_equal(out[ember].numpy(), out[torch].numpy())


def test_number_and_tensor_bound_together_is_a_type_error_as_in_torch():
    for lib in (ember, torch):
        with pytest.raises(TypeError, match="invalid combination of arguments"):
            lib.clamp(lib.ones(3), lib.zeros(3), 0.5)


def test_bounds_that_do_not_broadcast_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        ember.clamp(ember.ones(3), ember.ones(4))
    with pytest.raises(RuntimeError):
        torch.clamp(torch.ones(3), torch.ones(4))


def test_in_place_records_clamp_backward():
    results = {}
    for lib in (ember, torch):
        x = lib.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True)
        lo = lib.tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True)
        y = x * 1
        y.clamp_(lo, lib.tensor([2.0]))
        y.sum().backward()
        results[lib] = (y.grad_fn.name(), x.grad.tolist(), lo.grad.tolist())
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            (x * 1).clamp_(lib.ones(2, 4))
    assert results[ember] == results[torch]


def test_second_derivatives_match_torch():
    def grads(lib):
        x = lib.tensor([0.0, 1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        lo = lib.tensor([1.0, 0.5, 3.0, 1.0], dtype=lib.float64, requires_grad=True)
        hi = lib.tensor([2.0, 2.5, 2.0, 2.5], dtype=lib.float64, requires_grad=True)
        g = lib.autograd.grad((lib.clamp(x, lo, hi) ** 3).sum(), (x, lo, hi), create_graph=True)
        second = lib.autograd.grad(sum((gi * gi).sum() for gi in g), (x, lo, hi))
        return [t.detach().numpy() for t in g + second]

    for e, t in zip(grads(ember), grads(torch)):
        np.testing.assert_allclose(e, t, rtol=1e-12, atol=0)


def test_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(0)
    # away from the kinks, where the derivative is not defined
    x = ember.tensor(rng.choice([-2.0, -0.3, 0.4, 2.2], size=(3, 4)), requires_grad=True)
    lo = ember.tensor(np.full((1, 4), -1.0) + rng.uniform(0, 0.2, (1, 4)), requires_grad=True)
    hi = ember.tensor(np.full((3, 1), 1.0) + rng.uniform(0, 0.2, (3, 1)), requires_grad=True)

    def f(x, lo, hi):
        return ember.clamp(x, lo, hi) ** 2

    assert gradcheck(f, (x, lo, hi))
    assert gradgradcheck(f, (x, lo, hi))




@settings(max_examples=40, deadline=None)
@given(st.data(), hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
def test_broadcasting_shapes_match_torch(data, shapes):
    arrays = [data.draw(hnp.arrays(np.float64, s, elements=st.sampled_from([-1.0, 0.0, 0.5, 1.0]))) for s in shapes.input_shapes]
    outs = {}
    for lib in (ember, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        # torch 2.13's backward fails ("output with shape [] doesn't match the broadcast shape
        # [1]") when x alone is smaller than the bounds' broadcast: it combines its masks in
        # place. Expanding x first gives the same values and gradients without that path.
        x = ts[0] if lib is ember else ts[0].expand(shapes.result_shape)
        y = lib.clamp(x, *ts[1:])
        y.backward(lib.ones_like(y))
        outs[lib] = [y.detach().numpy()] + [t.grad.numpy() for t in ts]
    for e, t in zip(outs[ember], outs[torch]):
        assert e.shape == t.shape
        np.testing.assert_allclose(e, t, rtol=1e-12, atol=0)
