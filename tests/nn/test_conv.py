"""Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d and their functional forms against torch:
the same weights loaded both ways, outputs and every gradient over a grid of strides, paddings,
dilations, groups and odd sizes; gradcheck and double backward; initialisation, repr and
torch's error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import FLOAT32_LONG_SUM

from .conftest import TOLERANCE, compare_layer

DTYPES = ["float64", "float32"]
DIRECTIONS = ["torch->ember", "ember->torch"]

# name: (constructor taking the nn namespace, input shape)
CONV2D = {
    "plain": (lambda m: m.Conv2d(3, 4, 3), (2, 3, 7, 8)),
    "1x1": (lambda m: m.Conv2d(5, 2, 1), (2, 5, 4, 3)),
    "rect_kernel_no_bias": (lambda m: m.Conv2d(2, 3, (3, 2), bias=False), (3, 2, 6, 5)),
    "stride2_pad1": (lambda m: m.Conv2d(3, 6, 3, stride=2, padding=1), (2, 3, 9, 8)),
    "stride_tuple_truncates": (lambda m: m.Conv2d(2, 4, (2, 3), stride=(3, 2), padding=(0, 1)), (2, 2, 11, 10)),
    "dilation": (lambda m: m.Conv2d(3, 2, 3, dilation=2), (2, 3, 9, 10)),
    "dilation_stride_pad": (lambda m: m.Conv2d(2, 3, 3, stride=2, padding=2, dilation=(2, 3)), (2, 2, 11, 12)),
    "groups2": (lambda m: m.Conv2d(4, 6, 3, padding=1, groups=2), (2, 4, 6, 7)),
    "depthwise": (lambda m: m.Conv2d(3, 6, 3, stride=2, padding=1, groups=3), (2, 3, 9, 9)),
    "groups_dilation": (lambda m: m.Conv2d(6, 4, 2, stride=1, padding=1, dilation=2, groups=2), (1, 6, 7, 5)),
    "same_odd": (lambda m: m.Conv2d(3, 4, 3, padding="same"), (2, 3, 7, 6)),
    "same_even_dilated": (lambda m: m.Conv2d(2, 3, (4, 2), padding="same", dilation=(1, 3)), (2, 2, 7, 9)),
    "valid": (lambda m: m.Conv2d(2, 3, 3, padding="valid"), (2, 2, 5, 6)),
    "kernel_equals_input": (lambda m: m.Conv2d(2, 3, (5, 4)), (3, 2, 5, 4)),
    "big_padding": (lambda m: m.Conv2d(1, 2, 2, padding=3), (2, 1, 3, 3)),
    "unbatched": (lambda m: m.Conv2d(3, 2, 3, padding=1), (3, 5, 6)),
    "w4_first_layer": (lambda m: m.Conv2d(1, 8, 3, padding=1), (4, 1, 28, 28)),
}
CONV1D = {
    "plain": (lambda m: m.Conv1d(3, 4, 3), (2, 3, 10)),
    "stride_pad_dilation": (lambda m: m.Conv1d(2, 4, 3, stride=2, padding=2, dilation=3), (3, 2, 13)),
    "groups_no_bias": (lambda m: m.Conv1d(4, 8, 2, groups=4, bias=False), (2, 4, 7)),
    "same_even": (lambda m: m.Conv1d(2, 2, 4, padding="same"), (2, 2, 9)),
    "unbatched": (lambda m: m.Conv1d(3, 2, 3, stride=3), (3, 11)),
}
CONV_TRANSPOSE2D = {
    "plain": (lambda m: m.ConvTranspose2d(3, 4, 3), (2, 3, 4, 5)),
    "stride2_pad1_outpad1": (lambda m: m.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), (2, 4, 5, 4)),
    "rect_stride_pad": (lambda m: m.ConvTranspose2d(2, 3, (2, 3), stride=(3, 2), padding=(1, 0), output_padding=(2, 1)), (2, 2, 3, 4)),
    "groups": (lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, groups=2, bias=False), (2, 4, 3, 3)),
    "dilation_outpad": (lambda m: m.ConvTranspose2d(2, 3, 3, dilation=2, output_padding=1), (1, 2, 4, 4)),
    "padding_crops_all_but_one": (lambda m: m.ConvTranspose2d(2, 2, 3, padding=1), (2, 2, 1, 1)),
    "unbatched": (lambda m: m.ConvTranspose2d(3, 2, 2, stride=2), (3, 3, 4)),
}
CONV_TRANSPOSE1D = {
    "stride_pad_outpad": (lambda m: m.ConvTranspose1d(3, 2, 4, stride=3, padding=2, output_padding=1), (2, 3, 5)),
    "groups_dilation": (lambda m: m.ConvTranspose1d(4, 4, 3, dilation=2, groups=4), (2, 4, 6)),
}
LAYERS = {
    **{f"conv2d_{k}": v for k, v in CONV2D.items()},
    **{f"conv1d_{k}": v for k, v in CONV1D.items()},
    **{f"conv_transpose2d_{k}": v for k, v in CONV_TRANSPOSE2D.items()},
    **{f"conv_transpose1d_{k}": v for k, v in CONV_TRANSPOSE1D.items()},
}


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_torch(name: str, dtype: str, direction: str) -> None:
    build, shape = LAYERS[name]
    torch.manual_seed(1)
    ember.manual_seed(2)
    # float32: the weight gradient sums 4 * 28 * 28 products, in another order than torch's
    long_sum = name == "conv2d_w4_first_layer" and dtype == "float32"
    compare_layer(build(nn), build(torch.nn), [shape], dtype, direction, tolerance=FLOAT32_LONG_SUM if long_sum else None)


def _functional_pair(e_fn, t_fn, shapes: list, dtype: str, seed: int = 0, **kwargs) -> None:
    """F.<op>(x, w, b, **kwargs) in both libraries: outputs and the gradients of sum(y * R)."""
    rtol, atol = TOLERANCE[dtype]
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-2, 2, s).astype(dtype) for s in shapes]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_out, t_out = e_fn(*e_in, **kwargs), t_fn(*t_in, **kwargs)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    e_grads = ember.autograd.grad((e_out * ember.tensor(upstream)).sum(), e_in)
    t_grads = torch.autograd.grad((t_out * torch.tensor(upstream)).sum(), t_in)
    for i, (eg, tg) in enumerate(zip(e_grads, t_grads)):
        assert eg.dtype.name == dtype
        np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=rtol, atol=atol, err_msg=f"gradient {i}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "x, w, kwargs",
    [
        ((2, 4, 9, 8), (6, 2, 3, 3), dict(stride=(2, 3), padding=(1, 2), dilation=(2, 1), groups=2)),
        ((2, 4, 9, 8), (6, 2, 4, 3), dict(padding="same", dilation=(2, 1), groups=2)),
        ((2, 3, 6, 5), (4, 3, 2, 2), dict(padding=[1], stride=[2])),
        ((1, 2, 30, 1), (3, 2, 5, 1), dict(stride=4, padding=(2, 0))),
        ((0, 3, 5, 5), (2, 3, 3, 3), dict(padding=1)),
    ],
)
def test_conv2d_functional_matches_torch(x: tuple, w: tuple, kwargs: dict, dtype: str) -> None:
    _functional_pair(F.conv2d, torch.nn.functional.conv2d, [x, w, (w[0],)], dtype, **kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "x, w, kwargs",
    [
        ((2, 4, 5, 6), (4, 3, 3, 2), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2))),
        ((2, 4, 5, 6), (4, 3, 3, 3), dict(output_padding=1, dilation=2)),
        ((1, 2, 1, 7), (2, 5, 1, 4), dict(stride=(1, 3), padding=(0, 2))),
    ],
)
def test_conv_transpose2d_functional_matches_torch(x: tuple, w: tuple, kwargs: dict, dtype: str) -> None:
    out_channels = w[1] * kwargs.get("groups", 1)
    _functional_pair(F.conv_transpose2d, torch.nn.functional.conv_transpose2d, [x, w, (out_channels,)], dtype, **kwargs)


def test_non_contiguous_input_and_weight() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 8, 7)).transpose(0, 1, 3, 2)
    w = rng.standard_normal((3, 4, 3, 3)).transpose(1, 0, 3, 2)
    ours = F.conv2d(ember.tensor(x), ember.tensor(w), padding=1)
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-13)


def test_conv_transpose_output_size_argument() -> None:
    torch.manual_seed(0)
    t = torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    e = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    e.load_state_dict(t.state_dict())
    x = np.random.default_rng(0).standard_normal((1, 3, 4, 5)).astype(np.float32)
    for size in [(7, 9), (8, 10), [1, 2, 8, 9]]:
        ours, theirs = e(ember.tensor(x), output_size=size), t(torch.tensor(x), output_size=size)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="valid sizes range from 7 to 8"):
        e(ember.tensor(x), output_size=(9, 9))


@pytest.mark.parametrize(
    "fn, shapes, kwargs",
    [
        (F.conv2d, [(2, 4, 5, 6), (4, 2, 3, 2), (4,)], dict(stride=2, padding=1, dilation=(1, 2), groups=2)),
        (F.conv2d, [(1, 2, 4, 4), (3, 2, 2, 2), (3,)], dict(padding="same")),
        (F.conv1d, [(2, 2, 7), (4, 1, 3), (4,)], dict(stride=2, padding=1, dilation=2, groups=2)),
        (F.conv_transpose2d, [(2, 4, 3, 4), (4, 2, 3, 2), (4,)], dict(stride=2, padding=1, output_padding=1, groups=2)),
        (F.conv_transpose1d, [(1, 2, 4), (2, 3, 3), (3,)], dict(stride=3, padding=1, output_padding=2)),
    ],
)
def test_gradcheck_and_gradgradcheck(fn, shapes: list, kwargs: dict) -> None:
    rng = np.random.default_rng(5)
    inputs = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    call = lambda x, w, b: fn(x, w, b, **kwargs)  # noqa: E731
    assert gradcheck(call, inputs)
    assert gradgradcheck(call, inputs)


@pytest.mark.parametrize("transposed", [False, True])
def test_double_backward_matches_torch(transposed: bool) -> None:
    """A loss of the first gradients (a gradient penalty) differentiated again, both libraries."""
    rng = np.random.default_rng(7)
    x, w, b, r = rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((4, 2, 3, 2)), rng.standard_normal(4), None
    kwargs = dict(stride=2, padding=1, groups=2)
    results = []
    for lib, fn in ((ember, F.conv_transpose2d if transposed else F.conv2d),
                    (torch, torch.nn.functional.conv_transpose2d if transposed else torch.nn.functional.conv2d)):
        xs = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        y = fn(*xs, **kwargs)
        r = rng.standard_normal(tuple(y.shape)) if r is None else r
        grads = lib.autograd.grad((y * lib.tensor(r)).sum(), xs, create_graph=True)
        # db = sum of r does not depend on the inputs, so only dx and dw enter the penalty
        penalty = (grads[0] ** 2).sum() + (grads[1] ** 3).sum()
        results.append([g.detach().numpy() for g in lib.autograd.grad(penalty, xs[:2])])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


def test_graph_node_and_dtype() -> None:
    x = ember.ones(1, 2, 5, 5, requires_grad=True)
    y = F.conv2d(x, ember.ones(3, 2, 3, 3))
    assert y.grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(y, ember.ones(3, 2, 3, 3)).grad_fn.name() == "ConvolutionBackward0"
    assert y.dtype is ember.float32
    with ember.no_grad():
        assert F.conv2d(x, ember.ones(3, 2, 3, 3)).grad_fn is None


@pytest.mark.parametrize(
    "build",
    [
        lambda m: m.Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
        lambda m: m.Conv2d(4, 8, (3, 5), padding="same"),
        lambda m: m.Conv2d(1, 8, 3, padding=1),
        lambda m: m.Conv1d(4, 8, 3),
        lambda m: m.Conv1d(4, 8, 3, padding="valid", dilation=2),
        lambda m: m.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1, groups=4),
        lambda m: m.ConvTranspose1d(2, 3, 4, padding=1, dilation=2, bias=False),
    ],
)
def test_parameters_and_repr_equal_torch(build) -> None:
    e, t = build(nn), build(torch.nn)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert all(p.dtype is ember.float32 and p.requires_grad and p.is_leaf for p in e.parameters())
    assert repr(e) == repr(t)
    for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                 "output_padding", "transposed", "padding_mode"):
        assert getattr(e, attr) == getattr(t, attr), attr


@pytest.mark.parametrize(
    "build, fan_in",
    [(lambda: nn.Conv2d(3, 16, 3), 27), (lambda: nn.Conv1d(8, 4, 5, groups=2), 20),
     (lambda: nn.ConvTranspose2d(6, 4, 2, groups=2), 8)],
)
def test_default_init_is_uniform_within_one_over_sqrt_fan_in(build, fan_in: int) -> None:
    """kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the bias the same."""
    ember.manual_seed(0)
    bound = 1 / math.sqrt(fan_in)
    layers = [build() for _ in range(200)]
    for name in ("weight", "bias"):
        values = np.concatenate([getattr(m, name).detach().numpy().ravel() for m in layers])
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.95 * bound
        assert abs(values.mean()) < 5 * bound / math.sqrt(3 * values.size)
        assert abs(values.std() - bound / math.sqrt(3)) < 0.05 * bound


def test_dtype_argument() -> None:
    layer = nn.Conv2d(2, 3, 3, dtype=ember.float64)
    assert layer.weight.dtype is ember.float64 and layer.bias.dtype is ember.float64
    assert layer(ember.ones(1, 2, 4, 4, dtype=ember.float64)).dtype is ember.float64


def _same_raise(call, match: str) -> None:
    """call(lib) raises in torch and in ember with the same exception type; ember's message
    contains `match`."""
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(ember)
    assert match in str(ours.value), f"{match!r} not in {str(ours.value)!r}"


def _f(lib):
    return lib.nn.functional


X = (2, 3, 28, 28)
CONV_ERRORS = {
    "channels": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 1, 3, 3)),
                 "Given groups=1, weight of size [8, 1, 3, 3], expected input[2, 3, 28, 28] to have 1 channels, but got 3 channels instead"),
    "channels_groups": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(6, 1, 3, 3), groups=2),
                        "Given groups=2, weight of size [6, 1, 3, 3], expected input[2, 3, 28, 28] to have 2 channels, but got 3 channels instead"),
    "channels_1d": (lambda lib: _f(lib).conv1d(lib.ones(2, 3, 10), lib.ones(4, 2, 3)),
                    "Given groups=1, weight of size [4, 2, 3], expected input[2, 3, 10] to have 2 channels, but got 3 channels instead"),
    "input_2d": (lambda lib: _f(lib).conv2d(lib.ones(3, 28), lib.ones(8, 3, 3, 3)),
                 "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 28]"),
    "input_5d": (lambda lib: _f(lib).conv2d(lib.ones(1, 2, 3, 8, 8), lib.ones(8, 3, 3, 3)),
                 "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 2, 3, 8, 8]"),
    "weight_dims": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3)), "weight of size [8, 3, 3]"),
    "groups_divide_weight": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(7, 1, 3, 3), groups=3),
                             "Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size [[7, 1, 3, 3]] instead"),
    "bias": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), lib.ones(7)),
             "Given weight of size [8, 3, 3, 3], expected bias to be 1-dimensional with 8 elements, but got bias of size [7] instead"),
    "kernel_too_big": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 30, 3)),
                       "Calculated padded input size per channel: (28 x 28). Kernel size: (30 x 3). Kernel size can't be greater than actual input size"),
    "dilated_kernel_too_big": (lambda lib: _f(lib).conv1d(lib.ones(1, 1, 5), lib.ones(1, 1, 3), dilation=3),
                               "Calculated padded input size per channel: (5). Kernel size: (7)."),
    "same_strided": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), stride=2, padding="same"),
                     "padding='same' is not supported for strided convolutions"),
    "padding_string": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), padding="full"), "Invalid padding string: 'full'"),
    "stride_zero": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), stride=0), "non-positive stride is not supported"),
    "padding_negative": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), padding=-1), "negative padding is not supported"),
    "dilation_zero": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), dilation=0), "non-positive dilation is not supported"),
    "groups_zero": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), groups=0), "non-positive groups is not supported"),
    "stride_length": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), stride=(1, 1, 1)),
                      "expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]"),
    "weight_dtype": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3, dtype=lib.float64)), "and weight type"),
    "bias_dtype": (lambda lib: _f(lib).conv2d(lib.ones(*X), lib.ones(8, 3, 3, 3), lib.ones(8, dtype=lib.float64)),
                   "Input type (float32) and bias type (float64) should be the same"),
    "transposed_channels": (lambda lib: _f(lib).conv_transpose2d(lib.ones(*X), lib.ones(4, 2, 3, 3)),
                            "Given transposed=1, weight of size [4, 2, 3, 3], expected input[2, 3, 28, 28] to have 4 channels, but got 3 channels instead"),
    "transposed_groups": (lambda lib: _f(lib).conv_transpose2d(lib.ones(*X), lib.ones(3, 2, 3, 3), groups=2),
                          "Given groups=2, expected weight to be divisible by 2 at dimension 0"),
    "output_padding": (lambda lib: _f(lib).conv_transpose2d(lib.ones(*X), lib.ones(3, 2, 3, 3), stride=2, output_padding=2),
                       "output padding must be smaller than either stride or dilation"),
    "module_in_groups": (lambda lib: lib.nn.Conv2d(3, 8, 3, groups=2), "in_channels must be divisible by groups"),
    "module_out_groups": (lambda lib: lib.nn.Conv2d(4, 6, 3, groups=4), "out_channels must be divisible by groups"),
    "module_padding_mode": (lambda lib: lib.nn.Conv2d(4, 8, 3, padding_mode="mirror"), "padding_mode must be one of"),
    "module_same_strided": (lambda lib: lib.nn.Conv2d(4, 8, 3, stride=2, padding="same"),
                            "padding='same' is not supported for strided convolutions"),
    "module_padding_string": (lambda lib: lib.nn.Conv2d(4, 8, 3, padding="full"), "Invalid padding string 'full'"),
    "module_forward_channels": (lambda lib: lib.nn.Conv2d(1, 8, 3)(lib.ones(*X)),
                                "Given groups=1, weight of size [8, 1, 3, 3], expected input[2, 3, 28, 28] to have 1 channels"),
}


@pytest.mark.parametrize("name", list(CONV_ERRORS))
def test_errors_match_torch(name: str) -> None:
    call, match = CONV_ERRORS[name]
    _same_raise(call, match)


# padding_mode other than 'zeros': F.pad(x, _reversed_padding_repeated_twice, mode), then a
# convolution with padding 0, as torch's
PADDING_MODE_LAYERS = {
    "conv2d_reflect": (lambda m: m.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), (2, 3, 6, 7)),
    "conv2d_reflect_rect_stride": (
        lambda m: m.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(2, 1), padding_mode="reflect"), (2, 2, 5, 6)),
    "conv2d_replicate_groups_dilation": (
        lambda m: m.Conv2d(4, 6, 3, padding=(3, 1), dilation=(2, 1), groups=2, padding_mode="replicate"), (2, 4, 5, 6)),
    "conv2d_circular_no_bias": (lambda m: m.Conv2d(2, 3, 3, padding=2, bias=False, padding_mode="circular"), (1, 2, 4, 5)),
    "conv2d_circular_same_even": (lambda m: m.Conv2d(2, 3, (4, 3), padding="same", padding_mode="circular"), (2, 2, 6, 5)),
    "conv2d_reflect_same_dilated": (
        lambda m: m.Conv2d(2, 2, 3, padding="same", dilation=(2, 1), padding_mode="reflect"), (1, 2, 7, 4)),
    "conv2d_replicate_valid": (lambda m: m.Conv2d(2, 3, 2, padding="valid", padding_mode="replicate"), (2, 2, 4, 4)),
    "conv2d_reflect_unbatched": (lambda m: m.Conv2d(3, 2, 3, padding=1, padding_mode="reflect"), (3, 5, 6)),
    "conv1d_reflect": (lambda m: m.Conv1d(3, 4, 3, padding=2, padding_mode="reflect"), (2, 3, 8)),
    "conv1d_replicate_stride": (lambda m: m.Conv1d(2, 4, 4, stride=3, padding=3, padding_mode="replicate"), (2, 2, 9)),
    "conv1d_circular_groups": (lambda m: m.Conv1d(4, 4, 3, padding=1, groups=4, padding_mode="circular"), (3, 4, 6)),
    "conv1d_circular_same_unbatched": (lambda m: m.Conv1d(2, 3, 4, padding="same", dilation=2, padding_mode="circular"), (2, 9)),
}


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(PADDING_MODE_LAYERS))
def test_padding_mode_matches_torch(name: str, dtype: str, direction: str) -> None:
    """One state_dict in both (loaded either way); outputs, the input gradient and the weight
    and bias gradients agree."""
    build, shape = PADDING_MODE_LAYERS[name]
    torch.manual_seed(3)
    ember.manual_seed(4)
    # float32: a weight gradient entry sums 60 products to ~0.05, in another order than torch's
    long_sum = name == "conv2d_circular_same_even" and dtype == "float32"
    compare_layer(build(nn), build(torch.nn), [shape], dtype, direction, tolerance=FLOAT32_LONG_SUM if long_sum else None)


@pytest.mark.parametrize("name", list(PADDING_MODE_LAYERS))
def test_padding_mode_repr_and_attributes_equal_torch(name: str) -> None:
    build, _ = PADDING_MODE_LAYERS[name]
    e, t = build(nn), build(torch.nn)
    assert repr(e) == repr(t)
    assert e.padding_mode == t.padding_mode
    assert e._reversed_padding_repeated_twice == t._reversed_padding_repeated_twice
    assert list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_mode_gradcheck_and_gradgradcheck(mode: str) -> None:
    layer = nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode=mode, dtype=ember.float64)
    x = ember.tensor(np.random.default_rng(5).standard_normal((1, 2, 4, 4)), requires_grad=True)
    assert gradcheck(layer, (x,))
    assert gradgradcheck(layer, (x,))


PADDING_MODE_ERRORS = {
    "transpose2d_reflect": (lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect"),
                            'Only "zeros" padding mode is supported for ConvTranspose2d'),
    "transpose1d_circular": (lambda lib: lib.nn.ConvTranspose1d(2, 3, 3, padding_mode="circular"),
                             'Only "zeros" padding mode is supported for ConvTranspose1d'),
    "transpose_unknown_mode": (lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, padding_mode="mirror"),
                               'Only "zeros" padding mode is supported for ConvTranspose2d'),
    "conv1d_unknown_mode": (lambda lib: lib.nn.Conv1d(2, 3, 3, padding_mode="wrap"),
                            "but got padding_mode='wrap'"),
    "reflect_wider_than_input": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=4, padding_mode="reflect")(lib.ones(1, 2, 4, 5)),
                                 "Padding size should be less than the corresponding input dimension"),
    "circular_wraps_twice": (lambda lib: lib.nn.Conv1d(2, 3, 3, padding=6, padding_mode="circular")(lib.ones(1, 2, 5)),
                             "Padding value causes wrapping around more than once"),
    "replicate_wrong_rank": (lambda lib: lib.nn.Conv1d(2, 3, 3, padding=1, padding_mode="replicate")(lib.ones(1, 1, 2, 5)),
                             "Padding size 2 is not supported for 4D input tensor"),
}


@pytest.mark.parametrize("name", list(PADDING_MODE_ERRORS))
def test_padding_mode_errors_match_torch(name: str) -> None:
    call, match = PADDING_MODE_ERRORS[name]
    _same_raise(call, match)


def test_results_survive_later_calls_of_the_same_shape() -> None:
    """col2im's scratch workspace is reused by the next call: nothing returned may view it."""
    rng = np.random.default_rng(8)
    w = rng.standard_normal((3, 2, 3, 3))
    first_in, second_in = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((2, 3, 5, 5))
    first = F.conv_transpose2d(ember.tensor(first_in), ember.tensor(w), padding=1)
    kept = first.numpy().copy()
    F.conv_transpose2d(ember.tensor(second_in), ember.tensor(w), padding=1)
    np.testing.assert_array_equal(first.numpy(), kept)
    expected = torch.nn.functional.conv_transpose2d(torch.tensor(first_in), torch.tensor(w), padding=1)
    np.testing.assert_allclose(kept, expected.numpy(), rtol=1e-10, atol=1e-13)


@st.composite
def _conv_case(draw) -> tuple:
    """A random valid convolution: 1 or 2 spatial dims, groups, and per-dim kernel, stride,
    padding, dilation and input size; for the transposed one also an output_padding."""
    nd = draw(st.integers(1, 2))
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    padding = tuple(draw(st.integers(0, 3)) for _ in range(nd))
    smallest = [max(1, d * (k - 1) + 1 - 2 * p) for k, d, p in zip(kernel, dilation, padding)]
    size = tuple(draw(st.integers(n, n + 6)) for n in smallest)
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    return nd, groups, c_in, c_out, kernel, stride, dilation, padding, size, extra, draw(st.integers(0, 2**16))


@settings(max_examples=60)
@given(_conv_case())
def test_random_convolutions_match_torch(case: tuple) -> None:
    """conv and conv_transpose of random geometries, float64: outputs and all gradients."""
    nd, groups, c_in, c_out, kernel, stride, dilation, padding, size, extra, seed = case
    name = f"conv{nd}d"
    args = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    _functional_pair(
        getattr(F, name), getattr(torch.nn.functional, name), [(2, c_in) + size, (c_out, c_in // groups) + kernel, (c_out,)],
        "float64", seed, **args,
    )
    out = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in zip(size, stride, padding, dilation, kernel, extra)]
    if min(out) > 0:
        _functional_pair(
            getattr(F, f"conv_transpose{nd}d"), getattr(torch.nn.functional, f"conv_transpose{nd}d"),
            [(2, c_in) + size, (c_in, c_out // groups) + kernel, (c_out,)], "float64", seed, output_padding=extra, **args,
        )
