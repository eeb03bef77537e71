"""F.ctc_loss and nn.CTCLoss against torch: losses and gradients in float64 and float32 for
padded and concatenated targets, int32/int64 targets, list and tensor lengths, every
reduction, zero_infinity, another blank, repeated labels, empty targets and inputs,
impossible alignments, unbatched input; hypothesis over shapes and lengths; gradcheck through
log_softmax; torch's refusal of a second derivative; torch's errors; the recorded graph."""

from __future__ import annotations

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
from ember.autograd import gradcheck
from .conftest import assert_same_error
from tolerances import REDUCTION, TOLERANCES

# frames, batch, classes, targets (rows, padded with 0), input lengths, target lengths
CASES: dict[str, tuple[int, int, int, list[list[int]], list[int], list[int], dict[str, Any]]] = {
    "plain": (12, 3, 6, [[1, 2, 3, 4], [4, 5, 0, 0], [5, 1, 3, 0]], [12, 10, 7], [4, 2, 3], {}),
    "repeats": (10, 2, 4, [[2, 2, 2], [1, 1, 3]], [10, 9], [3, 3], {}),
    "blank_last": (9, 2, 5, [[0, 1, 3], [2, 2, 0]], [9, 8], [3, 2], {"blank": 4}),
    "empty_target": (6, 2, 4, [[1, 2], [0, 0]], [6, 4], [2, 0], {}),
    "empty_input": (6, 2, 4, [[1, 2], [0, 0]], [6, 0], [2, 0], {}),
    "impossible": (5, 3, 4, [[1, 1, 1], [2, 3, 0], [1, 2, 3]], [5, 5, 2], [3, 2, 3], {}),
    "impossible_zero_inf": (5, 3, 4, [[1, 1, 1], [2, 3, 0], [1, 2, 3]], [5, 5, 2], [3, 2, 3], {"zero_infinity": True}),
    "long_input": (40, 2, 7, [[1, 6, 2, 5, 3], [4, 4, 4, 4, 0]], [40, 33], [5, 4], {}),
}


def _log_probs(lib: Any, frames: int, batch: int, classes: int, dtype: str, seed: int = 0) -> Any:
    x = np.random.default_rng(seed).standard_normal((frames, batch, classes)) * 2
    return lib.tensor(x.astype(dtype)).log_softmax(2).detach().requires_grad_()


def _call(lib: Any, case: str, dtype: str, reduction: str, layout: str) -> tuple[Any, Any]:
    frames, batch, classes, rows, inputs, lengths, kwargs = CASES[case]
    log_probs = _log_probs(lib, frames, batch, classes, dtype)
    if layout == "concatenated":
        targets = lib.tensor([v for row, n in zip(rows, lengths) for v in row[:n]], dtype=lib.int64)
    else:
        targets = lib.tensor(rows, dtype=lib.int32 if layout == "padded_int32" else lib.int64)
    if layout == "tensor_lengths":
        inputs, lengths = lib.tensor(inputs), lib.tensor(lengths)
    return lib.nn.functional.ctc_loss(log_probs, targets, inputs, lengths, reduction=reduction, **kwargs), log_probs


def _compare(case: str, dtype: str, reduction: str, layout: str) -> None:
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    e_loss, e_in = _call(ember, case, dtype, reduction, layout)
    t_loss, t_in = _call(torch, case, dtype, reduction, layout)
    assert tuple(e_loss.shape) == tuple(t_loss.shape) and e_loss.dtype.name == dtype
    np.testing.assert_allclose(e_loss.detach().numpy(), t_loss.detach().numpy(), rtol=rtol, atol=atol)
    upstream = np.random.default_rng(1).standard_normal(tuple(t_loss.shape)).astype(dtype)
    (e_loss * ember.tensor(upstream)).sum().backward()
    (t_loss * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(e_in.grad.numpy(), t_in.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", CASES)
def test_against_torch(case: str, reduction: str, dtype: str) -> None:
    _compare(case, dtype, reduction, "padded")


@pytest.mark.parametrize("layout", ["concatenated", "padded_int32", "tensor_lengths"])
@pytest.mark.parametrize("case", ["plain", "empty_target", "impossible_zero_inf"])
def test_target_layouts_and_length_types(case: str, layout: str) -> None:
    _compare(case, "float64", "mean", layout)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(2, 6), st.integers(0, 10_000), st.sampled_from(["none", "mean", "sum"]))
def test_random_lengths_match_torch(batch: int, classes: int, seed: int, reduction: str) -> None:
    rng = np.random.default_rng(seed)
    frames = int(rng.integers(1, 12))
    inputs = rng.integers(0, frames + 1, batch)
    lengths = rng.integers(0, max(frames // 2, 1) + 1, batch)
    rows = rng.integers(1, classes, (batch, int(lengths.max())))
    results = []
    for lib in (ember, torch):
        log_probs = _log_probs(lib, frames, batch, classes, "float64", seed)
        loss = lib.nn.functional.ctc_loss(log_probs, lib.tensor(rows), inputs.tolist(), lengths.tolist(),
                                          reduction=reduction, zero_infinity=True)
        loss.sum().backward()
        results.append((loss.detach().numpy(), log_probs.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


def test_unbatched_matches_torch() -> None:
    results = []
    for lib in (ember, torch):
        log_probs = _log_probs(lib, 8, 1, 5, "float64")[:, 0].detach().requires_grad_()
        loss = lib.nn.functional.ctc_loss(log_probs, lib.tensor([1, 3, 3]), lib.tensor(8), lib.tensor(3),
                                          reduction="none")
        loss.backward()
        results.append((loss.shape, loss.detach().numpy(), log_probs.grad.numpy()))
    assert tuple(results[0][0]) == tuple(results[1][0]) == ()
    for ours, theirs in zip(results[0][1:], results[1][1:]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


def test_gradcheck_through_log_softmax() -> None:
    """torch's gradient is that of the logits under log_softmax: gradcheck the composition."""
    logits = ember.tensor(np.random.default_rng(2).standard_normal((7, 2, 4)), requires_grad=True)
    targets = ember.tensor([[1, 2, 2], [3, 1, 0]])

    def fn(x: ember.Tensor) -> ember.Tensor:
        return F.ctc_loss(x.log_softmax(2), targets, [7, 6], [3, 2], reduction="sum")

    assert gradcheck(fn, (logits,))


def test_second_derivative_raises_as_torch() -> None:
    messages = []
    for lib in (torch, ember):
        log_probs = _log_probs(lib, 6, 1, 4, "float64")
        loss = lib.nn.functional.ctc_loss(log_probs, lib.tensor([[1, 2]]), [6], [2])
        (grad,) = lib.autograd.grad(loss, log_probs, create_graph=True)
        with pytest.raises(RuntimeError) as error:
            grad.sum().backward()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("wrt", ["log_probs", "grad_output"])
def test_second_derivative_in_either_input_raises_as_torch(wrt: str) -> None:
    """The first gradient's graph reaches log_probs and the incoming gradient: a derivative in
    either asked of autograd.grad raises, not a zero for an unused input."""
    for lib in (torch, ember):
        log_probs = _log_probs(lib, 6, 2, 4, "float64")
        loss = lib.nn.functional.ctc_loss(log_probs, lib.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2], reduction="none")
        cotangent = lib.ones(2, dtype=lib.float64, requires_grad=True)
        (grad,) = lib.autograd.grad(loss, log_probs, cotangent, create_graph=True)
        with pytest.raises(RuntimeError, match="derivative for aten::_ctc_loss_backward is not implemented"):
            lib.autograd.grad(grad, log_probs if wrt == "log_probs" else cotangent, lib.ones_like(grad),
                              allow_unused=True)


def test_graph_names_match_torch() -> None:
    names = []
    for lib in (torch, ember):
        loss, _ = _call(lib, "plain", "float64", "mean", "padded")
        node, chain = loss.grad_fn, []
        while node is not None:
            chain.append(node.name())
            node = node.next_functions[0][0] if node.next_functions else None
        names.append(chain[:-1])  # the leaf's accumulator is named otherwise by torch
    assert names[0] == names[1] == ["MeanBackward0", "DivBackward0", "CtcLossBackward0"]


def _lp(lib: Any, *shape: int, dtype: str = "float32") -> Any:
    return lib.zeros(shape, dtype=getattr(lib, dtype))


_T = [[1, 2, 3], [2, 2, 0]]
ERRORS: list[Callable[[Any], Any]] = [
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6, 6], [3, 2], blank=5),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6, 6], [3, 2], blank=-1),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6, 6], [3]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6, 6], [3, -1]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [7, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [-1, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6, 6], [4, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor([1, 2, 3, 4]), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T[:1]), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 1, 6, 2, 5), lib.tensor(_T), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 5), lib.tensor(_T), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor([_T]), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), [6, 6], [3, 2], reduction="avg"),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5), lib.tensor(_T), lib.tensor([6.0, 6.0]), lib.tensor([3, 2])),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5, dtype="int64"), lib.tensor(_T), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 6, 2, 5, dtype="float16"), lib.tensor(_T), [6, 6], [3, 2]),
    lambda lib: lib.nn.functional.ctc_loss(_lp(lib, 0, 2, 5), lib.tensor(_T), [0, 0], [0, 0]),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Callable[[Any], Any]) -> None:
    assert_same_error(call)


def test_labels_outside_the_classes_are_refused() -> None:
    """torch reads past its buffer here; ember names the problem."""
    with pytest.raises(RuntimeError, match=r"target labels must lie in \[0, 5\)"):
        F.ctc_loss(_lp(ember, 6, 2, 5), ember.tensor([[1, 2, 7], [2, 2, 0]]), [6, 6], [3, 2])


@pytest.mark.parametrize("kwargs", [{}, {"blank": 3, "reduction": "sum", "zero_infinity": True}])
def test_module_matches_torch(kwargs: dict[str, Any]) -> None:
    e_mod, t_mod = nn.CTCLoss(**kwargs), torch.nn.CTCLoss(**kwargs)
    assert repr(e_mod) == repr(t_mod)
    args = lambda lib: (lib.tensor(_T), [6, 5], [3, 2])  # noqa: E731
    ours = e_mod(_log_probs(ember, 6, 2, 5, "float64"), *args(ember))
    theirs = t_mod(_log_probs(torch, 6, 2, 5, "float64"), *args(torch))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10)
