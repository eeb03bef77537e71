"""Losses against torch: every loss for each reduction, with weights, ignore_index, label
smoothing and pos_weight variants; outputs and the gradients of every differentiable input
(targets included) in float64 and float32; gradcheck and gradgradcheck; logits of +-1000;
torch's exception types; the module forms (reprs, buffers, legacy arguments)."""

from __future__ import annotations

import re
import warnings
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from tolerances import REDUCTION, TOLERANCES
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck

TOLERANCE = TOLERANCES[REDUCTION]
REDUCTIONS = ["none", "mean", "sum"]


def floats(*shape: int, lo: float = -2.0, hi: float = 2.0, grad: bool = True) -> Callable:
    return lambda rng: (rng.uniform(lo, hi, shape), grad)


def labels(classes: int, *shape: int, ignore: Any = None, dtype: Any = np.int64) -> Callable:
    """Class indices; every third one replaced by `ignore` when given."""

    def make(rng: np.random.Generator) -> tuple:
        t = rng.integers(0, classes, shape)
        if ignore is not None:
            t.reshape(-1)[::3] = ignore
        return np.asarray(t.astype(dtype)), False

    return make


def probabilities(*shape: int, axis: int = 1) -> Callable:
    def make(rng: np.random.Generator) -> tuple:
        e = np.exp(rng.normal(size=shape))
        return e / e.sum(axis, keepdims=True), True

    return make


def run_both(fn: Callable, specs: list, dtype: str, seed: int = 0) -> None:
    """fn(F, *tensors) in ember and torch on the same seeded inputs: compare the output's shape,
    dtype and values, that no input was modified, and the gradient of sum(output * R), R a
    fixed random tensor, with respect to every input made with grad=True."""
    rtol, atol = TOLERANCE[dtype]
    rng = np.random.default_rng(seed)
    made = [spec(rng) for spec in specs]
    arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a, _ in made]
    grads = [g for _, g in made]
    e_in = [ember.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
    t_in = [torch.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
    e_out, t_out = fn(F, *e_in), fn(torch.nn.functional, *t_in)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert e_out.dtype.name == str(t_out.dtype).removeprefix("torch.")
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol, err_msg="output")
    for i, (e, a) in enumerate(zip(e_in, arrays)):
        np.testing.assert_array_equal(e.detach().numpy(), a, err_msg=f"input {i} was modified")
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(e_out.dtype.name)
    wrt = [i for i, g in enumerate(grads) if g]
    e_grads = ember.autograd.grad((e_out * ember.tensor(upstream)).sum(), [e_in[i] for i in wrt])
    t_grads = torch.autograd.grad((t_out * torch.tensor(upstream)).sum(), [t_in[i] for i in wrt])
    for i, eg, tg in zip(wrt, e_grads, t_grads):
        assert eg.dtype.name == dtype
        np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")


# name: (fn(F, reduction, *tensors), input specs)
CASES: dict[str, tuple[Callable, list]] = {
    "mse": (lambda F, r, x, y: F.mse_loss(x, y, reduction=r), [floats(4, 5), floats(4, 5)]),
    "mse_weight": (lambda F, r, x, y, w: F.mse_loss(x, y, reduction=r, weight=w),
                   [floats(4, 5), floats(4, 5), floats(4, 5, lo=0.1)]),
    "mse_broadcast_target": (lambda F, r, x, y: F.mse_loss(x, y, reduction=r), [floats(4, 5), floats(4, 1)]),
    "l1": (lambda F, r, x, y: F.l1_loss(x, y, reduction=r), [floats(4, 5), floats(4, 5)]),
    "l1_weight": (lambda F, r, x, y, w: F.l1_loss(x, y, reduction=r, weight=w),
                  [floats(4, 5), floats(4, 5), floats(4, 5, lo=0.1)]),
    "smooth_l1": (lambda F, r, x, y: F.smooth_l1_loss(x, y, reduction=r, beta=0.5), [floats(4, 5), floats(4, 5)]),
    "smooth_l1_beta0": (lambda F, r, x, y: F.smooth_l1_loss(x, y, reduction=r, beta=0.0), [floats(4, 5), floats(4, 5)]),
    "huber": (lambda F, r, x, y: F.huber_loss(x, y, reduction=r, delta=0.7), [floats(4, 5), floats(4, 5)]),
    "huber_weight": (lambda F, r, x, y, w: F.huber_loss(x, y, reduction=r, delta=0.7, weight=w),
                     [floats(4, 5), floats(4, 5), floats(4, 5, lo=0.1)]),
    "nll": (lambda F, r, x, t: F.nll_loss(x, t, reduction=r), [floats(6, 5), labels(5, 6)]),
    "nll_weight_ignore": (lambda F, r, x, t, w: F.nll_loss(x, t, weight=w, reduction=r),
                          [floats(6, 5), labels(5, 6, ignore=-100), floats(5, lo=0.2, grad=False)]),
    "nll_ignore_index_in_range": (lambda F, r, x, t: F.nll_loss(x, t, ignore_index=2, reduction=r),
                                  [floats(6, 5), labels(5, 6, ignore=2)]),
    "nll_spatial_weight": (lambda F, r, x, t, w: F.nll_loss(x, t, weight=w, reduction=r),
                           [floats(2, 4, 3, 3), labels(4, 2, 3, 3, ignore=-100), floats(4, lo=0.2, grad=False)]),
    "nll_unbatched": (lambda F, r, x, t: F.nll_loss(x, t, reduction=r), [floats(5), labels(5)]),
    "cross_entropy": (lambda F, r, x, t: F.cross_entropy(x, t, reduction=r), [floats(6, 5), labels(5, 6)]),
    "ce_weight": (lambda F, r, x, t, w: F.cross_entropy(x, t, weight=w, reduction=r),
                  [floats(6, 5), labels(5, 6), floats(5, lo=0.2, grad=False)]),
    "ce_ignore_index": (lambda F, r, x, t: F.cross_entropy(x, t, ignore_index=-1, reduction=r),
                        [floats(6, 5), labels(5, 6, ignore=-1)]),
    "ce_label_smoothing": (lambda F, r, x, t: F.cross_entropy(x, t, label_smoothing=0.2, reduction=r),
                           [floats(6, 5), labels(5, 6)]),
    "ce_weight_ignore_smoothing": (
        lambda F, r, x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=3, label_smoothing=0.3, reduction=r),
        [floats(7, 5), labels(5, 7, ignore=3), floats(5, lo=0.2, grad=False)]),
    "ce_spatial_weight_smoothing": (
        lambda F, r, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.1, reduction=r),
        [floats(2, 4, 3, 2), labels(4, 2, 3, 2, ignore=-100), floats(4, lo=0.2, grad=False)]),
    "ce_unbatched": (lambda F, r, x, t: F.cross_entropy(x, t, label_smoothing=0.1, reduction=r), [floats(5), labels(5)]),
    "ce_uint8_target": (lambda F, r, x, t: F.cross_entropy(x, t, reduction=r), [floats(6, 5), labels(5, 6, dtype=np.uint8)]),
    "ce_probabilities": (lambda F, r, x, t: F.cross_entropy(x, t, reduction=r), [floats(6, 5), probabilities(6, 5)]),
    "ce_probabilities_weight_smoothing": (
        lambda F, r, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.25, reduction=r),
        [floats(6, 5), probabilities(6, 5), floats(5, lo=0.2)]),
    "ce_probabilities_spatial": (lambda F, r, x, t: F.cross_entropy(x, t, reduction=r),
                                 [floats(2, 4, 3), probabilities(2, 4, 3)]),
    "ce_probabilities_unbatched": (lambda F, r, x, t: F.cross_entropy(x, t, reduction=r),
                                   [floats(5), probabilities(5, axis=0)]),
    "bce": (lambda F, r, x, t: F.binary_cross_entropy(x, t, reduction=r), [floats(4, 5, lo=0.02, hi=0.98), floats(4, 5, lo=0, hi=1)]),
    "bce_weight": (lambda F, r, x, t, w: F.binary_cross_entropy(x, t, weight=w, reduction=r),
                   [floats(4, 5, lo=0.02, hi=0.98), floats(4, 5, lo=0, hi=1), floats(5, lo=0.2, grad=False)]),
    "bce_with_logits": (lambda F, r, x, t: F.binary_cross_entropy_with_logits(x, t, reduction=r),
                        [floats(4, 5, lo=-4, hi=4), floats(4, 5, lo=0, hi=1)]),
    "bce_with_logits_weight_pos_weight": (
        lambda F, r, x, t, w, p: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=p, reduction=r),
        [floats(4, 5, lo=-4, hi=4), floats(4, 5, lo=0, hi=1), floats(4, 1, lo=0.2, grad=False),
         floats(5, lo=0.2, hi=3, grad=False)]),
    "bce_with_logits_pos_weight": (lambda F, r, x, t, p: F.binary_cross_entropy_with_logits(x, t, pos_weight=p, reduction=r),
                                   [floats(4, 5, lo=-4, hi=4), floats(4, 5, lo=0, hi=1), floats(5, lo=0.2, hi=3, grad=False)]),
    "kl_div": (lambda F, r, x, t: F.kl_div(x, t, reduction=r), [floats(4, 5, lo=-3, hi=0), floats(4, 5, lo=0.05, hi=1)]),
    "kl_div_log_target": (lambda F, r, x, t: F.kl_div(x, t, reduction=r, log_target=True),
                          [floats(4, 5, lo=-3, hi=0), floats(4, 5, lo=-3, hi=0)]),
}


@pytest.mark.filterwarnings("ignore::UserWarning")  # kl_div's 'mean' and the broadcast target warn, in both
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", list(CASES))
def test_loss_matches_torch(case: str, reduction: str, dtype: str) -> None:
    fn, specs = CASES[case]
    run_both(lambda F, *ts: fn(F, reduction, *ts), specs, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_batchmean(log_target: bool, dtype: str) -> None:
    run_both(lambda F, x, t: F.kl_div(x, t, reduction="batchmean", log_target=log_target),
             [floats(4, 5, lo=-3, hi=0), floats(4, 5, lo=0.05, hi=1)], dtype)


def _ember_inputs(specs: list, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    return [ember.tensor(a, requires_grad=g) for a, g in (spec(rng) for spec in specs)]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("reduction", ["none", "mean"])
@pytest.mark.parametrize("case", list(CASES))
def test_gradcheck(case: str, reduction: str) -> None:
    fn, specs = CASES[case]
    assert gradcheck(lambda *ts: fn(F, reduction, *ts), _ember_inputs(specs))


GRADGRAD_CASES = [
    "mse", "mse_weight", "nll_weight_ignore", "cross_entropy", "ce_weight_ignore_smoothing",
    "ce_spatial_weight_smoothing", "ce_probabilities_weight_smoothing", "bce_with_logits_pos_weight", "kl_div",
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("reduction", ["none", "mean"])
@pytest.mark.parametrize("case", GRADGRAD_CASES)
def test_gradgradcheck(case: str, reduction: str) -> None:
    fn, specs = CASES[case]
    assert gradgradcheck(lambda *ts: fn(F, reduction, *ts), _ember_inputs(specs))


LARGE_LOGITS = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -1000.0]])


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no overflow, not even a silenced one
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("target", ["indices", "probabilities"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_large_logits(smoothing: float, target: str, dtype: str) -> None:
    """Logits of +-1000 overflow a naive softmax; cross-entropy stays finite and equals torch."""
    labels = np.array([1, 2, 0]) if target == "indices" else np.array([[0.2, 0.8, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]])
    fn = lambda F, x, t: F.cross_entropy(x, t, label_smoothing=smoothing)  # noqa: E731
    run_both(fn, [lambda rng: (LARGE_LOGITS, True), lambda rng: (labels, False)], dtype)
    x = ember.tensor(LARGE_LOGITS.astype(dtype), requires_grad=True)
    loss = fn(F, x, ember.tensor(labels.astype(dtype) if target == "probabilities" else labels))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_binary_cross_entropy_with_logits_large_logits(pos_weight: Any, dtype: str) -> None:
    logits = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    target = np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    weights = [] if pos_weight is None else [lambda rng: (np.full(5, pos_weight), False)]
    run_both(lambda F, x, t, *p: F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=p[0] if p else None),
             [lambda rng: (logits, True), lambda rng: (target, True)] + weights, dtype)


def test_every_target_ignored_gives_nan_mean_and_zero_gradient() -> None:
    data = np.random.default_rng(0).normal(size=(3, 4))
    for lib in (ember, torch):
        x = lib.tensor(data, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor([-100, -100, -100]))
        loss.backward()
        assert np.isnan(loss.item()) and not x.grad.numpy().any()


def test_binary_cross_entropy_at_zero_and_one() -> None:
    """log clamped at -100 and the gradient's denominator at 1e-12, as torch."""
    probs, target = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0])
    run_both(lambda F, x, t: F.binary_cross_entropy(x, t, reduction="none"),
             [lambda rng: (probs, True), lambda rng: (target, False)], "float64")


def _raise(lib: Any, call: Callable) -> BaseException:
    with pytest.raises(Exception) as info:
        call(lib.nn.functional, lib.tensor)
    return info.value


X = np.random.default_rng(1).normal(size=(3, 5))
P = np.random.default_rng(2).uniform(0.1, 0.9, size=(3, 5))

# name: (call(F, tensor), a fragment of ember's message)
ERRORS: dict[str, tuple[Callable, str]] = {
    "ce_target_out_of_bounds": (lambda F, T: F.cross_entropy(T(X), T([1, 0, 5])), "Target 5 is out of bounds"),
    "ce_negative_target": (lambda F, T: F.cross_entropy(T(X), T([1, 0, -1])), "Target -1 is out of bounds"),
    "nll_spatial_out_of_bounds": (lambda F, T: F.nll_loss(T(X.reshape(1, 5, 3)), T([[0, 9, 1]])), "Target 9"),
    "ce_batch_mismatch": (lambda F, T: F.cross_entropy(T(X), T([1, 0])), "batch_size (3) to match target batch_size (2)"),
    "ce_int32_target": (lambda F, T: F.cross_entropy(T(X), T(np.array([1, 0, 2], np.int32))), "Long or Byte, but got Int"),
    "ce_float_target_of_other_shape": (lambda F, T: F.cross_entropy(T(X), T(P[:, :4])), "multi-target not supported"),
    "ce_spatial_target_shape": (lambda F, T: F.cross_entropy(T(X.reshape(1, 5, 3)), T([[0, 1]])), "[1, 3], got [1, 2]"),
    "ce_weight_size": (lambda F, T: F.cross_entropy(T(X), T([1, 0, 2]), weight=T(np.ones(4))), "all 5 classes"),
    "ce_weight_dtype": (lambda F, T: F.cross_entropy(T(X), T([1, 0, 2]), weight=T(np.ones(5, np.float32))), "found Float"),
    "ce_weight_requires_grad": (
        lambda F, T: F.cross_entropy(T(X), T([1, 0, 2]), weight=T(np.ones(5), requires_grad=True)), "'weight'"),
    "ce_label_smoothing_range": (lambda F, T: F.cross_entropy(T(X), T([1, 0, 2]), label_smoothing=1.5), "between 0.0 and 1.0"),
    "ce_probabilities_ignore_index": (lambda F, T: F.cross_entropy(T(X), T(P), ignore_index=1), "ignore_index"),
    "ce_probabilities_int_target": (lambda F, T: F.cross_entropy(T(X[0, 0]), T(0)), "got Long"),
    "ce_integer_logits": (lambda F, T: F.cross_entropy(T(np.ones((3, 5), np.int64)), T([1, 0, 2])), "Long"),
    "nll_0d_input": (lambda F, T: F.nll_loss(T(1.0), T(0)), "Expected 1 or more dimensions (got 0)"),
    "ce_invalid_reduction": (lambda F, T: F.cross_entropy(T(X), T([1, 0, 2]), reduction="avg"), "avg is not a valid"),
    "bce_input_out_of_range": (lambda F, T: F.binary_cross_entropy(T([0.5, 1.5]), T([0.0, 1.0])), "input should be between 0 and 1"),
    "bce_target_out_of_range": (lambda F, T: F.binary_cross_entropy(T([0.5, 0.5]), T([0.0, 2.0])), "target should be between"),
    "bce_shape_mismatch": (lambda F, T: F.binary_cross_entropy(T(P[:, :1]), T(P[:, 0])), "(ember.Size([3])) that is different to the input size (ember.Size([3, 1]))"),
    "bce_target_dtype": (lambda F, T: F.binary_cross_entropy(T(P), T(P.astype(np.float32))), "Found dtype Float but expected Double"),
    "bce_invalid_reduction": (lambda F, T: F.binary_cross_entropy(T(P), T(P), reduction="x"), "x is not a valid"),
    "bce_with_logits_shape": (lambda F, T: F.binary_cross_entropy_with_logits(T(X[:, :1]), T(P[:, 0])), "must be the same as input size"),
    "bce_with_logits_int_target": (lambda F, T: F.binary_cross_entropy_with_logits(T(np.ones(3, np.float32)), T([1, 0, 1])), "Long"),
    "mse_shapes_do_not_broadcast": (lambda F, T: F.mse_loss(T(X[:, :2]), T(X[:, 0])), "must match the size of tensor b (3)"),
    "mse_weight_shape": (lambda F, T: F.mse_loss(T(X), T(X), weight=T(np.ones(5))), "Weights and input must have the same size"),
    "mse_integer": (lambda F, T: F.mse_loss(T([1, 2]), T([1, 3])), "not implemented for 'Long'"),
    "mse_batchmean": (lambda F, T: F.mse_loss(T(X), T(X), reduction="batchmean"), "batchmean is not a valid"),
    "smooth_l1_negative_beta": (lambda F, T: F.smooth_l1_loss(T(X), T(X), beta=-1.0), "negative values for beta"),
    "huber_zero_delta": (lambda F, T: F.huber_loss(T(X), T(X), delta=0.0), "non-positive values for delta"),
    "kl_div_integer_target": (lambda F, T: F.kl_div(T(X), T(np.ones((3, 5), np.int64))), "Integral inputs"),
    "kl_div_invalid_reduction": (lambda F, T: F.kl_div(T(X), T(P), reduction="x"), "x is not a valid"),
    "one_hot_float": (lambda F, T: F.one_hot(T([0.0, 2.0])), "LongTensor"),
    "one_hot_negative": (lambda F, T: F.one_hot(T([0, -2])), "non-negative"),
    "one_hot_too_large": (lambda F, T: F.one_hot(T([0, 2]), 2), "smaller than num_classes"),
    "one_hot_empty": (lambda F, T: F.one_hot(T(np.zeros(0, np.int64))), "empty tensor"),
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    call, fragment = ERRORS[case]
    t_err, e_err = _raise(torch, call), _raise(ember, call)
    assert isinstance(e_err, type(t_err)), f"ember raised {type(e_err).__name__}: {e_err}; torch {type(t_err).__name__}"
    assert fragment in str(e_err), f"{fragment!r} not in {str(e_err)!r}"


@pytest.mark.parametrize("shape,num_classes", [((4,), -1), ((2, 3), 6), ((0,), 3), ((), 4)])
def test_one_hot_matches_torch(shape: tuple, num_classes: int) -> None:
    data = np.random.default_rng(0).integers(0, 4, shape)
    e, t = F.one_hot(ember.tensor(data), num_classes), torch.nn.functional.one_hot(torch.tensor(data), num_classes)
    assert e.dtype is ember.int64 and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def _warning_messages(call: Callable) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_warnings_match_torch() -> None:
    x, y = X[:, :1], X[:, 0]
    for call in (
        lambda lib: lib.nn.functional.mse_loss(lib.tensor(x), lib.tensor(y)),
        lambda lib: lib.nn.functional.kl_div(lib.tensor(X), lib.tensor(P)),
        lambda lib: lib.nn.L1Loss(size_average=False),
    ):
        e, t = _warning_messages(lambda: call(ember)), _warning_messages(lambda: call(torch))
        assert len(e) == len(t) == 1
        assert e[0] == t[0].replace("torch.Size(", "ember.Size("), (e, t)


MODULES = {
    "MSELoss": (lambda nn: nn.MSELoss(reduction="sum"), "regression"),
    "L1Loss": (lambda nn: nn.L1Loss(reduction="none"), "regression"),
    "SmoothL1Loss": (lambda nn: nn.SmoothL1Loss(beta=0.4), "regression"),
    "HuberLoss": (lambda nn: nn.HuberLoss(delta=0.3), "regression"),
    "NLLLoss": (lambda nn: nn.NLLLoss(weight=nn.lib.tensor(np.linspace(0.5, 2, 5)), ignore_index=1), "classes"),
    "CrossEntropyLoss": (lambda nn: nn.CrossEntropyLoss(weight=nn.lib.tensor(np.linspace(0.5, 2, 5)), ignore_index=1,
                                                        label_smoothing=0.1), "classes"),
    "BCELoss": (lambda nn: nn.BCELoss(weight=nn.lib.tensor(np.linspace(0.5, 2, 5))), "binary"),
    "BCEWithLogitsLoss": (lambda nn: nn.BCEWithLogitsLoss(weight=nn.lib.tensor(np.linspace(0.5, 2, 5)),
                                                          pos_weight=nn.lib.tensor(np.linspace(2, 0.5, 5))), "logits"),
    "KLDivLoss": (lambda nn: nn.KLDivLoss(reduction="batchmean", log_target=True), "regression"),
}
MODULE_INPUTS = {
    "regression": [floats(3, 5), floats(3, 5)],
    "classes": [floats(3, 5), labels(5, 3)],
    "binary": [floats(3, 5, lo=0.05, hi=0.95), floats(3, 5, lo=0, hi=1)],
    "logits": [floats(3, 5), floats(3, 5, lo=0, hi=1)],
}


class _Namespace:
    """`lib.nn` with `lib` reachable, so one constructor lambda builds both libraries' modules."""

    def __init__(self, lib: Any) -> None:
        self.lib = lib

    def __getattr__(self, name: str) -> Any:
        return getattr(self.lib.nn, name)


@pytest.mark.parametrize("name", list(MODULES))
def test_module_matches_torch(name: str) -> None:
    make, kind = MODULES[name]
    e, t = make(_Namespace(ember)), make(_Namespace(torch))
    assert repr(e) == repr(t)
    assert e.reduction == t.reduction
    assert list(e.state_dict()) == list(t.state_dict())
    for key, value in t.state_dict().items():
        np.testing.assert_array_equal(e.state_dict()[key].numpy(), value.numpy())
    run_both(lambda F, *ts: (e if F is ember.nn.functional else t)(*ts), MODULE_INPUTS[kind], "float64")


def test_module_buffers_follow_to() -> None:
    loss = ember.nn.CrossEntropyLoss(weight=ember.ones(3))
    loss.to(ember.float64)
    assert loss.weight.dtype is ember.float64
    assert ember.nn.NLLLoss().weight is None and list(ember.nn.NLLLoss().state_dict()) == []


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("size_average,reduce", [(None, None), (True, None), (False, None), (None, False), (False, True)])
def test_legacy_reduction_arguments(size_average: Any, reduce: Any) -> None:
    for name in ("MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "KLDivLoss", "TripletMarginLoss"):
        e = getattr(ember.nn, name)(size_average=size_average, reduce=reduce)
        t = getattr(torch.nn, name)(size_average=size_average, reduce=reduce)
        assert e.reduction == t.reduction, name


@pytest.mark.parametrize("delta", [1 + 0j, "1"])
def test_huber_loss_module_refuses_a_delta_that_is_no_number(delta: Any) -> None:
    """torch's HuberLoss checks delta at construction (bool and int pass, as in torch)."""
    for lib in (torch, ember):
        with pytest.raises(TypeError, match=f"delta must be a float or int, got: {re.escape(str(type(delta)))}"):
            lib.nn.HuberLoss(delta=delta)
    assert ember.nn.HuberLoss(delta=True).delta is True


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_second_derivatives_are_torchs(reduction: str) -> None:
    """torch differentiates the input gradient with its own formula (eps 1e-12 added to x and
    1 - x): near 0 and 1 it differs from the exact derivative, and ember follows it."""
    rng = np.random.default_rng(4)
    x, t, w = rng.uniform(1e-4, 1.0, (3, 4)), rng.uniform(0, 1, (3, 4)), rng.uniform(0.5, 2, 4)
    x[0, :2] = [1e-9, 1 - 1e-9]
    upstream_values = rng.standard_normal((3, 4)) if reduction == "none" else np.array(1.5)
    results = []
    for lib in (ember, torch):
        xs, ts = lib.tensor(x, requires_grad=True), lib.tensor(t, requires_grad=True)
        loss = lib.nn.functional.binary_cross_entropy(xs, ts, weight=lib.tensor(w), reduction=reduction)
        upstream = lib.tensor(upstream_values, requires_grad=True)
        (gx,) = lib.autograd.grad(loss, xs, upstream, create_graph=True)
        cotangent = lib.tensor(np.linspace(-1, 1, 12).reshape(3, 4))
        results.append([g.detach().numpy() for g in lib.autograd.grad((gx * cotangent).sum(), (xs, ts, upstream))])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)
