"""RNNCell, LSTMCell and GRUCell against torch (same state_dict, outputs and every gradient), and
the fused LSTM and GRU step Functions alone: gradcheck, gradgradcheck, saturated gates; the
one-node unbind the layers use."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.nn.functional.rnn import lstm_cell
from ember.ops import rnn as R

from .test_rnn import BATCH, DIRECTIONS, DTYPES, HIDDEN, IN, _backward_and_compare, _both, _close, _compare_params, _pair

CELLS = {
    "rnn_tanh": lambda m, **kw: m.RNNCell(IN, HIDDEN, **kw),
    "rnn_relu": lambda m, **kw: m.RNNCell(IN, HIDDEN, nonlinearity="relu", **kw),
    "lstm": lambda m, **kw: m.LSTMCell(IN, HIDDEN, **kw),
    "gru": lambda m, **kw: m.GRUCell(IN, HIDDEN, **kw),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("unbatched", [False, True], ids=["batched", "unbatched"])
@pytest.mark.parametrize("with_hx", [True, False], ids=["hx", "no_hx"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_matches_torch(kind: str, bias: bool, with_hx: bool, unbatched: bool, dtype: str) -> None:
    direction = DIRECTIONS[int(with_hx) ^ int(bias)]
    e, t = _pair(lambda m: CELLS[kind](m, bias=bias), dtype, direction)
    rng = np.random.default_rng(3)
    lead = () if unbatched else (BATCH,)
    arrays = [rng.standard_normal(lead + (IN,)).astype(dtype)]
    if with_hx:
        arrays += [rng.standard_normal(lead + (HIDDEN,)).astype(dtype) for _ in range(2 if kind == "lstm" else 1)]
    e_in, t_in = _both(arrays)
    if kind == "lstm":
        e_out = e(e_in[0], tuple(e_in[1:]) if with_hx else None)
        t_out = t(t_in[0], tuple(t_in[1:]) if with_hx else None)
    else:
        e_out, t_out = (e(*e_in),), (t(*t_in),)
    _backward_and_compare(list(e_out), list(t_out), dtype, rng, ["h'", "c'"])
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        _close(ei.grad, ti.grad, dtype, ["input grad", "h grad", "c grad"][i])
    _compare_params(e, t, dtype)


def _f64(rng: np.random.Generator, *shape: int) -> ember.Tensor:
    return ember.tensor(rng.standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("variant", ["full", "no_bias", "projected_input", "projected_input_step_bias"])
def test_fused_lstm_step_gradcheck_and_gradgradcheck(variant: str) -> None:
    rng = np.random.default_rng(4)
    b, n_in, h = 3, 4, 2
    projected = variant.startswith("projected")
    x = _f64(rng, b, 4 * h) if projected else _f64(rng, b, n_in)
    w_ih = None if projected else _f64(rng, 4 * h, n_in)
    with_bias = variant in ("full", "projected_input_step_bias")
    b_ih = _f64(rng, 4 * h) if variant == "full" else None
    b_hh = _f64(rng, 4 * h) if with_bias else None
    args = (x, _f64(rng, b, h), _f64(rng, b, h), w_ih, _f64(rng, 4 * h, h), b_ih, b_hh)
    assert gradcheck(R.FusedLSTMCell.apply, args)
    assert gradgradcheck(R.FusedLSTMCell.apply, args)


@pytest.mark.parametrize("reverse", [False, True])
def test_fused_lstm_layer_is_its_steps_and_passes_gradcheck_and_gradgradcheck(reverse: bool) -> None:
    """The whole-sequence LSTM node equals FusedLSTMCell run step by step (outputs, final states
    and every gradient, h0 and c0 included), and differentiates once and twice."""
    rng = np.random.default_rng(8)
    steps, b, h = 5, 3, 2
    args = (_f64(rng, steps, b, 4 * h), _f64(rng, b, h), _f64(rng, b, h), _f64(rng, 4 * h, h))
    out, h_n, c_n = R.FusedLSTMLayer.apply(*args, reverse)
    hx, cx, outs = args[1], args[2], [None] * steps
    for t in range(steps - 1, -1, -1) if reverse else range(steps):
        hx, cx = R.FusedLSTMCell.apply(args[0][t], hx, cx, None, args[3], None, None)
        outs[t] = hx
    weights = [ember.tensor(rng.standard_normal(s)) for s in (out.shape, h_n.shape, c_n.shape)]
    for got, want in ((out, ember.stack(outs)), (h_n, hx), (c_n, cx)):
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12)
    got = ember.autograd.grad(sum(((o * w).sum() for o, w in zip((out, h_n, c_n), weights))), args)
    want = ember.autograd.grad(sum(((o * w).sum() for o, w in zip((ember.stack(outs), hx, cx), weights))), args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-10, atol=1e-12)
    assert gradcheck(lambda *a: R.FusedLSTMLayer.apply(*a, reverse), args)
    assert gradgradcheck(lambda *a: R.FusedLSTMLayer.apply(*a, reverse), args)


@pytest.mark.parametrize("variant", ["full", "no_bias", "projected_input", "projected_input_step_bias"])
def test_fused_gru_step_gradcheck_and_gradgradcheck(variant: str) -> None:
    rng = np.random.default_rng(5)
    b, n_in, h = 3, 4, 2
    projected = variant.startswith("projected")
    x = _f64(rng, b, 3 * h) if projected else _f64(rng, b, n_in)
    w_ih = None if projected else _f64(rng, 3 * h, n_in)
    b_ih = _f64(rng, 3 * h) if variant == "full" else None
    b_hh = _f64(rng, 3 * h) if variant in ("full", "projected_input_step_bias") else None
    args = (x, _f64(rng, b, h), w_ih, _f64(rng, 3 * h, h), b_ih, b_hh)
    assert gradcheck(R.FusedGRUCell.apply, args)
    assert gradgradcheck(R.FusedGRUCell.apply, args)


def test_fused_steps_saturated_gates_give_finite_exact_gradients() -> None:
    """Pre-activations of +-100 saturate every sigmoid (e^100 overflows float32 to inf): the
    step must stay finite and agree with torch."""
    x = np.array([[100.0, -100.0, 50.0, -50.0]], dtype=np.float32)
    w = np.eye(4, dtype=np.float32).repeat(4, axis=0)[:16] * 2
    h = np.zeros((1, 4), np.float32)
    e_args = [ember.tensor(a, requires_grad=True) for a in (x, h, h, w, np.zeros((16, 4), np.float32))]
    t_args = [torch.tensor(a, requires_grad=True) for a in (x, h, h, w, np.zeros((16, 4), np.float32))]
    eh, ec = lstm_cell(e_args[0], (e_args[1], e_args[2]), e_args[3], e_args[4])
    th, tc = torch.lstm_cell(t_args[0], (t_args[1], t_args[2]), t_args[3], t_args[4])
    (eh.sum() + ec.sum()).backward()
    (th.sum() + tc.sum()).backward()
    for a, b in zip([eh, ec] + [t.grad for t in e_args], [th, tc] + [t.grad for t in t_args]):
        assert np.isfinite(a.detach().numpy()).all()
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_stack_of_the_steps_has_a_one_node_backward() -> None:
    """The recurrent layers stack their T outputs: stack's backward is one UnbindBackward0 node
    (not T selects), and it differentiates twice."""
    rng = np.random.default_rng(1)
    steps = [ember.tensor(rng.standard_normal((2, 3)), requires_grad=True) for _ in range(4)]
    out = ember.stack(steps)
    grads = ember.autograd.grad((out ** 2).sum(), steps, create_graph=True)
    assert {g.grad_fn.name() for g in grads} == {"UnbindBackward0"} and len({id(g.grad_fn) for g in grads}) == 1
    assert gradcheck(lambda *s: ember.stack(s) ** 2, tuple(steps))
    assert gradgradcheck(lambda *s: ember.stack(s[::-1]) ** 3, tuple(steps))


def test_unbind_into_steps_is_one_node_whose_backward_stacks() -> None:
    x = ember.tensor(np.random.default_rng(0).standard_normal((4, 2, 3)), requires_grad=True)
    steps = x.unbind(0)
    assert len(steps) == 4 and all(s.grad_fn is steps[0].grad_fn for s in steps)
    assert steps[0].grad_fn.name() == "UnbindBackward0"
    assert gradcheck(lambda t: t.unbind(0)[1] * 2 + t.unbind(0)[3], (x,))
    assert gradgradcheck(lambda t: ember.stack(t.unbind(0)[::-1]) ** 2, (x,))
