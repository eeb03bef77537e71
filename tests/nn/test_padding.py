"""F.pad in its four modes and the padding modules against torch: every mode, padded rank
(1, 2, 3 dims, with and without a batch dim) and float dtype, values and gradients of a
random upstream, negative widths, gradcheck and double backward, drawn widths (hypothesis),
torch's exception types for every refusal, and the modules' reprs."""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES

from .conftest import compare_layer

DTYPES = ["float64", "float32"]
MODES = ["constant", "reflect", "replicate", "circular"]

# (input shape, widths): per padded rank, unbatched and batched, growing and cropping
CASES = {
    "1d_unbatched": ((3, 6), (2, 3)),
    "1d_batched": ((2, 3, 6), (5, 1)),
    "1d_crop": ((2, 3, 6), (-2, 4)),
    "2d_unbatched": ((2, 5, 4), (1, 3, 2, 0)),
    "2d_batched": ((2, 2, 5, 4), (3, 2, 4, 1)),
    "2d_crop": ((2, 2, 5, 4), (-1, 2, 2, -3)),
    "3d_unbatched": ((2, 3, 4, 5), (1, 2, 0, 3, 2, 1)),
    "3d_batched": ((2, 1, 3, 4, 5), (4, 1, 2, 3, 1, 2)),
    "3d_crop": ((2, 1, 3, 4, 5), (-2, 3, 1, -1, 2, -1)),
}


def run_both(mode: str, shape: tuple[int, ...], widths: tuple[int, ...], dtype: str, seed: int = 0) -> None:
    """F.pad in ember and torch on the same input; compare the output and the input gradient
    of sum(out * R) for a random R (so a misplaced gradient cannot cancel out). Padding copies
    elements, so the outputs are equal; its backward adds up to 8 gradients per element, in
    another order than torch's: the reduction class."""
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    rng = np.random.default_rng(seed)
    a = rng.uniform(-2, 2, shape).astype(dtype)
    e_x, t_x = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    e_out, t_out = F.pad(e_x, widths, mode), TF.pad(t_x, widths, mode)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert e_out.dtype.name == dtype
    np.testing.assert_array_equal(e_out.detach().numpy(), t_out.detach().numpy())
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    if t_out.numel() == 0 and mode == "reflect" and len(widths) == 6:
        # torch's reflection_pad3d backward leaves the gradient uninitialised for an empty output
        assert not e_x.grad.numpy().any()
        return
    np.testing.assert_allclose(e_x.grad.numpy(), t_x.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("mode", MODES)
def test_pad_matches_torch(mode: str, case: str, dtype: str) -> None:
    shape, widths = CASES[case]
    run_both(mode, shape, widths, dtype)


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_grad_fn_names_match_torch(mode: str, nd: int) -> None:
    shape, widths = (1, 2) + (3,) * nd, (1, 2) * nd
    e = F.pad(ember.ones(shape, requires_grad=True), widths, mode)
    t = TF.pad(torch.ones(shape, requires_grad=True), widths, mode)
    assert e.grad_fn.name() == t.grad_fn.name()


@pytest.mark.parametrize("case", ["1d_crop", "2d_unbatched", "3d_crop"])
@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_and_gradgradcheck(mode: str, case: str) -> None:
    shape, widths = CASES[case]
    small = tuple(min(s, 4) for s in shape[:-3]) + shape[-3:] if len(shape) > 3 else shape
    x = ember.tensor(np.random.default_rng(1).standard_normal(small), dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: F.pad(t, widths, mode), (x,))
    assert gradgradcheck(lambda t: F.pad(t, widths, mode), (x,))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_double_backward_matches_torch(mode: str) -> None:
    """d/dx of sum((dL/dx)^2) where L = sum(pad(x)^3): the scatter's own backward is the gather."""
    a = np.random.default_rng(2).standard_normal((2, 4, 5))
    grads = []
    for lib, fn in ((ember, F.pad), (torch, TF.pad)):
        x = lib.tensor(a, requires_grad=True)
        (g,) = lib.autograd.grad((fn(x, (2, 1, 1, 3), mode) ** 3).sum(), (x,), create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), (x,))
        grads.append(gg.detach().numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def _pad_sides(draw: Any, size: int, mode: str) -> tuple[int, int]:
    """Widths (before, after) for one dim of `size`, mostly inside what torch accepts, sometimes
    past it, so the refusals are drawn too."""
    low = -size - 1 if mode in ("constant", "circular") else -size
    return draw(st.integers(low, size + 1)), draw(st.integers(low, size + 1))


@st.composite
def pad_calls(draw: Any) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    mode = draw(st.sampled_from(MODES))
    nd = draw(st.integers(1, 3))
    lead = draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(lead)) + tuple(draw(st.integers(1, 5)) for _ in range(nd))
    widths: tuple[int, ...] = ()
    for size in reversed(shape[lead:]):
        widths += _pad_sides(draw, size, mode)
    return mode, shape, widths


def _torch_reads_unwritten_memory(shape: tuple[int, ...], widths: tuple[int, ...]) -> bool:
    """Circular padding wider than what is left after cropping: torch copies from memory it has
    not written (garbage values, or a memory-overlap error); ember refuses (see padding.py)."""
    for i in range(len(widths) // 2):
        before, after = widths[2 * i], widths[2 * i + 1]
        kept = shape[-1 - i] - max(-before, 0) - max(-after, 0)
        if max(before, after) > kept:
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(pad_calls(), st.sampled_from(DTYPES))
def test_drawn_widths_match_torch(call: tuple, dtype: str) -> None:
    mode, shape, widths = call
    try:
        TF.pad(torch.zeros(shape), widths, mode)
    except Exception as err:  # torch refuses: ember refuses with the same exception type
        with pytest.raises(type(err)):
            F.pad(ember.zeros(shape), widths, mode)
        return
    if mode == "circular" and _torch_reads_unwritten_memory(shape, widths):
        with pytest.raises(RuntimeError, match="wrapping around more than once"):
            F.pad(ember.zeros(shape), widths, mode)
        return
    run_both(mode, shape, widths, dtype)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_empty_output_has_zero_gradient(mode: str) -> None:
    """Nothing depends on the input, so its gradient is 0 (torch's reflect 3-d backward returns
    uninitialised memory here; its other modes give 0)."""
    x = ember.ones(2, 2, 2, 3, 5, requires_grad=True)
    out = F.pad(x, (1, 1, 0, 0, -1, -1), mode)
    assert tuple(out.shape) == (2, 2, 0, 3, 7)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 2, 2, 3, 5), np.float32))


def test_circular_refuses_wrapping_past_the_crop() -> None:
    """torch gives uninitialised values here ([[0., 1., 2., 1., 2.], ...] with garbage in
    column 0); ember names the problem instead."""
    with pytest.raises(RuntimeError, match=r"padding \(3, -2\) at dimension 3 of input \[1, 1, 4, 4\] keeps 2"):
        F.pad(ember.ones(1, 1, 4, 4), (3, -2, 0, 0), "circular")


def same_raise(ember_call: Callable[[], Any], torch_call: Callable[[], Any], match: str) -> None:
    """Both refuse, with the same exception type, and both messages contain `match`."""
    with pytest.raises(Exception) as t_err:
        torch_call()
    assert match in str(t_err.value)
    with pytest.raises(type(t_err.value), match=re.escape(match)):
        ember_call()


# (shape, widths, mode, kwargs, text of torch's message that ember repeats)
REFUSALS = {
    "odd_length": ((1, 2, 5), (1,), "reflect", {}, "Padding length must be divisible by 2"),
    "odd_length_constant": ((1, 2, 5), (1, 2, 3), "constant", {}, "Padding length must be divisible by 2"),
    "too_long": ((1, 2, 5), (1,) * 8, "constant", {}, "padding length 8 and input of dimension 3"),
    "unknown_mode": ((1, 2, 5), (1, 1), "wrap", {}, "Unrecognised padding mode wrap"),
    "unknown_mode_first": ((1, 2, 5), (1,), "wrap", {"value": 1.0}, "Unrecognised padding mode wrap"),
    "value_with_reflect": ((1, 2, 5), (1, 1), "reflect", {"value": 1.0}, "doesn't take in value argument"),
    "value_with_circular": ((1, 2, 5), (1, 1), "circular", {"value": 2.0}, 'Padding mode "circular"'),
    "1d_on_1d_input": ((5,), (1, 1), "reflect", {}, "Padding size 2 is not supported for 1D input tensor"),
    "1d_on_4d_input": ((1, 1, 2, 5), (1, 1), "replicate", {}, "Padding size 2 is not supported for 4D"),
    "2d_on_2d_input": ((2, 5), (1, 1, 1, 1), "circular", {}, "Padding size 4 is not supported for 2D"),
    "3d_on_6d_input": ((1,) * 4 + (2, 5), (1,) * 6, "reflect", {}, "Padding size 6 is not supported for 6D"),
    "4d_pad": ((1,) * 5 + (3,), (1,) * 8, "replicate", {}, "Padding size 8 is not supported for 6D"),
    "reflect_width_equals_size": ((1, 1, 5), (5, 0), "reflect", {}, "Argument #4: Padding size should be less"),
    "reflect_width_h": ((1, 1, 3, 5), (1, 1, 3, 0), "reflect", {}, "padding (3, 0) at dimension 2 of input [1, 1, 3, 5]"),
    "reflect_width_d": ((1, 3, 4, 4), (0, 0, 0, 0, 3, 0), "reflect", {}, "Argument #8"),
    "reflect_w_before_d": ((1, 3, 3, 3), (3, 0, 0, 0, 3, 0), "reflect", {}, "Argument #4"),
    "reflect_1d_empty_output": ((1, 1, 5), (-4, -1), "reflect", {}, "input (W: 5) is too small. Calculated output W: 0"),
    "replicate_1d_empty_output": ((2, 3), (-3, 0), "replicate", {}, "input (W: 3) is too small"),
    "reflect_2d_empty_output": ((1, 1, 1), (0, -1, 0, -1), "reflect", {},
                                "input (H: 1, W: 1) is too small. Calculated output H: 0 W: 0"),
    "replicate_3d_empty_output": ((1, 1, 1, 1), (0, -1, 0, -1, 0, -1), "replicate", {},
                                  "input (D: 1 H: 1, W: 1) is too small. Calculated output D: 0 H: 0 W: 0"),
    "replicate_2d_negative_output": ((1, 1, 3, 3), (-3, -1, 0, 0), "replicate", {}, "negative dimension -1"),
    "reflect_3d_negative_output": ((1, 1, 3, 3, 3), (0, 0, 0, 0, -3, -1), "reflect", {}, "negative dimension -1"),
    "reflect_empty_channel": ((1, 0, 3), (1, 1), "reflect", {}, "Expected 2D or 3D (batch mode) tensor"),
    "replicate_unbatched_empty": ((0, 3, 3), (1, 1, 0, 0), "replicate", {}, "Expected 3D or 4D"),
    "replicate_empty_depth": ((1, 2, 0, 3, 3), (1, 1, 0, 0, 0, 0), "replicate", {}, "Expected 4D or 5D"),
    "circular_wraps_twice": ((1, 1, 5), (6, 0), "circular", {}, "Padding value causes wrapping around more than once"),
    "circular_empty_input": ((1, 2, 0), (1, 1), "circular", {}, "wrapping around more than once"),
    "circular_negative_output": ((1, 3, 3), (0, 0, -3, -1), "circular", {}, "resulting in an empty dimension"),
    "circular_outer_dim_first": ((1, 3, 3), (0, 4, -3, -1), "circular", {}, "resulting in an empty dimension"),
    "constant_crops_past_size": ((4, 3), (-5, 3), "constant", {}, "narrow(): length must be non-negative"),
    "constant_crop_after_pad": ((2, 3), (3, -4), "constant", {}, "narrow(): length must be non-negative"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_match_torch(name: str) -> None:
    shape, widths, mode, kwargs, match = REFUSALS[name]
    same_raise(
        lambda: F.pad(ember.ones(shape), widths, mode, **kwargs),
        lambda: TF.pad(torch.ones(shape), widths, mode, **kwargs),
        match,
    )


def test_widths_may_be_numpy_integers_and_integer_tensors() -> None:
    a = np.arange(12.0).reshape(1, 2, 6)
    want = TF.pad(torch.tensor(a), (torch.tensor(2), np.int64(1)), "reflect").numpy()
    np.testing.assert_array_equal(F.pad(ember.tensor(a), (ember.tensor(2), np.int64(1)), "reflect").numpy(), want)


@pytest.mark.parametrize("bad", [1.0, True])
def test_widths_must_be_ints(bad: object) -> None:
    same_raise(
        lambda: F.pad(ember.ones(1, 2, 3), (bad, 1), "reflect"),
        lambda: TF.pad(torch.ones(1, 2, 3), (bad, 1), "reflect"),
        f"must be tuple of ints, but found element of type {type(bad).__name__} at pos 0",
    )


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_bool_refused_by_reflect_and_replicate(mode: str, nd: int) -> None:
    shape = (1, 1) + (3,) * nd
    same_raise(
        lambda: F.pad(ember.ones(shape, dtype=ember.bool), (1, 1) * nd, mode),
        lambda: TF.pad(torch.ones(shape, dtype=torch.bool), (1, 1) * nd, mode),
        f"pad{nd}d\" not implemented for 'Bool'",
    )


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("mode", MODES)
def test_integer_and_bool_values(mode: str, dtype: str) -> None:
    a = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    try:
        want = TF.pad(torch.tensor(a), (2, 1, 1, 2), mode).numpy()
    except NotImplementedError:
        assert dtype == "bool" and mode in ("reflect", "replicate")  # covered by the refusal test
        return
    got = F.pad(ember.tensor(a), (2, 1, 1, 2), mode)
    assert got.dtype.name == dtype
    np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("mode", MODES)
def test_empty_batch(mode: str) -> None:
    e = F.pad(ember.ones(0, 2, 4, requires_grad=True), (1, 2), mode)
    assert tuple(e.shape) == tuple(TF.pad(torch.ones(0, 2, 4), (1, 2), mode).shape) == (0, 2, 7)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_value_zero_is_accepted(mode: str) -> None:
    a = np.arange(10.0).reshape(1, 2, 5)
    got = F.pad(ember.tensor(a), (2, 1), mode, value=0.0).numpy()
    np.testing.assert_array_equal(got, TF.pad(torch.tensor(a), (2, 1), mode, value=0.0).numpy())


def test_constant_value_and_tensor_method() -> None:
    a = np.arange(6.0).reshape(2, 3)
    want = TF.pad(torch.tensor(a), (1, 0, 2, 1), value=0.5).numpy()
    np.testing.assert_array_equal(F.pad(ember.tensor(a), (1, 0, 2, 1), value=0.5).numpy(), want)
    np.testing.assert_array_equal(ember.ops.pad(ember.tensor(a), (1, 0, 2, 1), value=0.5).numpy(), want)
    np.testing.assert_array_equal(ember.tensor(a).pad((1, 0, 2, 1), value=0.5).numpy(), want)


# name: (constructor taking the nn namespace, input shape)
MODULES = {
    "ZeroPad1d": (lambda m: m.ZeroPad1d((2, 1)), (2, 3, 5)),
    "ZeroPad2d": (lambda m: m.ZeroPad2d(2), (2, 3, 4, 5)),
    "ZeroPad3d": (lambda m: m.ZeroPad3d((1, 0, 2, 1, 0, 2)), (3, 2, 4, 5)),
    "ConstantPad1d": (lambda m: m.ConstantPad1d(3, 1.5), (3, 5)),
    "ConstantPad2d": (lambda m: m.ConstantPad2d((1, -1, 2, 0), -2.0), (2, 3, 4, 5)),
    "ConstantPad3d": (lambda m: m.ConstantPad3d(1, 0.25), (1, 2, 3, 4, 5)),
    "ReflectionPad1d": (lambda m: m.ReflectionPad1d((3, 1)), (2, 3, 5)),
    "ReflectionPad2d": (lambda m: m.ReflectionPad2d(2), (3, 4, 5)),
    "ReflectionPad3d": (lambda m: m.ReflectionPad3d((1, 2, 0, 1, 2, 1)), (1, 2, 3, 4, 5)),
    "ReplicationPad1d": (lambda m: m.ReplicationPad1d(4), (3, 5)),
    "ReplicationPad2d": (lambda m: m.ReplicationPad2d((0, 3, 2, -1)), (2, 3, 4, 5)),
    "ReplicationPad3d": (lambda m: m.ReplicationPad3d(2), (2, 3, 4, 5)),
    "CircularPad1d": (lambda m: m.CircularPad1d((2, 4)), (2, 3, 5)),
    "CircularPad2d": (lambda m: m.CircularPad2d(1), (3, 4, 5)),
    "CircularPad3d": (lambda m: m.CircularPad3d((1, 2, 3, 0, 1, 1)), (1, 2, 3, 4, 5)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(MODULES))
def test_modules_match_torch(name: str, dtype: str) -> None:
    make, shape = MODULES[name]
    compare_layer(make(nn), make(torch.nn), [shape], dtype)


@pytest.mark.parametrize("name", list(MODULES))
def test_module_reprs_match_torch(name: str) -> None:
    make, _ = MODULES[name]
    e, t = make(nn), make(torch.nn)
    assert repr(e) == repr(t)
    assert e.padding == t.padding


def test_zero_pad_is_a_constant_pad() -> None:
    assert isinstance(nn.ZeroPad2d(1), nn.ConstantPad2d)
    assert nn.ZeroPad2d(1).value == torch.nn.ZeroPad2d(1).value == 0.0


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_circular_modules_check_the_rank(nd: int) -> None:
    shape = (2,) * (nd + 3)
    pad_cls = getattr(nn, f"CircularPad{nd}d")
    same_raise(
        lambda: pad_cls(1)(ember.ones(shape)),
        lambda: getattr(torch.nn, f"CircularPad{nd}d")(1)(torch.ones(shape)),
        f"expected {nd + 1}D or {nd + 2}D input (got {nd + 3}D input)",
    )
