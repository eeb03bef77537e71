"""RNN, LSTM and GRU against torch: the same state_dict loaded both ways, then the outputs, final
states, the input gradient, the initial-state gradients and every parameter gradient, for every
option combination that matters; double backward; names, reprs, init, dropout between layers,
the graph's shape and torch's errors. The cells and fused steps: test_rnn_cell.py."""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn

from .conftest import TOLERANCE, count_nodes, share_weights

DTYPES = ["float64", "float32"]
DIRECTIONS = ["torch->ember", "ember->torch"]
SEQ, BATCH, IN, HIDDEN = 5, 3, 4, 6

LAYERS = {"rnn_tanh": ("RNN", {}), "rnn_relu": ("RNN", {"nonlinearity": "relu"}), "lstm": ("LSTM", {}), "gru": ("GRU", {})}
# options, whether initial states are given, whether the input is unbatched
CONFIGS = {
    "one_layer": ({}, False, False),
    "two_layers": ({"num_layers": 2}, False, False),
    "bidirectional": ({"bidirectional": True}, False, False),
    "batch_first": ({"batch_first": True}, False, False),
    "no_bias": ({"bias": False}, False, False),
    "with_h0": ({}, True, False),
    "two_layers_bidirectional_batch_first_h0": ({"num_layers": 2, "bidirectional": True, "batch_first": True}, True, False),
    "two_layers_bidirectional_no_bias_h0": ({"num_layers": 2, "bidirectional": True, "bias": False}, True, False),
    "unbatched": ({}, False, True),
    "unbatched_two_layers_bidirectional_h0": ({"num_layers": 2, "bidirectional": True}, True, True),
    "unbatched_batch_first_h0": ({"batch_first": True}, True, True),
}


def _pair(build: Any, dtype: str, direction: str) -> tuple[Any, Any]:
    """The same layer in ember and torch, in `dtype`, sharing one set of weights."""
    torch.manual_seed(1)
    ember.manual_seed(2)
    e, t = build(nn), build(torch.nn)
    e.to(getattr(ember, dtype))
    t.to(getattr(torch, dtype))
    share_weights(e, t, direction)
    return e, t


def _close(e: Any, t: Any, dtype: str, what: str) -> None:
    rtol, atol = TOLERANCE[dtype]
    assert e is not None, f"{what}: missing"
    assert tuple(e.shape) == tuple(t.shape), what
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=what)


def _both(arrays: list[Optional[np.ndarray]]) -> tuple[list, list]:
    e = [None if a is None else ember.tensor(a, requires_grad=True) for a in arrays]
    t = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    return e, t


def _flat(outputs: Any) -> list:
    """(output, h) or (output, (h, c)) as a flat list."""
    out, state = outputs
    return [out, *state] if isinstance(state, tuple) else [out, state]


def _backward_and_compare(e_outs: list, t_outs: list, dtype: str, rng: np.random.Generator, names: list[str]) -> None:
    """Compare the outputs, then backpropagate sum(out_k * R_k) (a different weight for every
    element of every output, so a transposed or misrouted gradient shows) through both."""
    e_loss, t_loss = 0, 0
    for name, eo, to in zip(names, e_outs, t_outs):
        _close(eo, to, dtype, name)
        r = rng.standard_normal(tuple(to.shape)).astype(dtype)
        e_loss = e_loss + (eo * ember.tensor(r)).sum()
        t_loss = t_loss + (to * torch.tensor(r)).sum()
    e_loss.backward()
    t_loss.backward()


def _compare_params(e: Any, t: Any, dtype: str) -> None:
    t_params = dict(t.named_parameters())
    e_params = dict(e.named_parameters())
    assert list(e_params) == list(t_params)
    for name, p in e_params.items():
        assert p.grad is not None and p.grad.dtype.name == dtype, name
        _close(p.grad, t_params[name].grad, dtype, f"{name} grad")


def _run_layer(kind: str, options: dict, with_h0: bool, unbatched: bool, dtype: str, direction: str, steps: int = 1) -> None:
    mode, extra = LAYERS[kind]
    kwargs = {**extra, **options}
    e, t = _pair(lambda m: getattr(m, mode)(IN, HIDDEN, **kwargs), dtype, direction)
    rng = np.random.default_rng(0)
    states = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    shape = (SEQ, IN) if unbatched else ((BATCH, SEQ, IN) if kwargs.get("batch_first") else (SEQ, BATCH, IN))
    lead = (states,) if unbatched else (states, BATCH)
    widths = [kwargs.get("proj_size") or HIDDEN, HIDDEN][:2 if mode == "LSTM" else 1]
    arrays = [rng.standard_normal(shape).astype(dtype)]
    if with_h0:
        arrays += [rng.standard_normal(lead + (width,)).astype(dtype) for width in widths]
    e_in, t_in = _both(arrays)
    for _ in range(steps):  # a second step checks that gradients accumulate as torch's do
        e_args = e_in[:1] + ([] if not with_h0 else [tuple(e_in[1:]) if mode == "LSTM" else e_in[1]])
        t_args = t_in[:1] + ([] if not with_h0 else [tuple(t_in[1:]) if mode == "LSTM" else t_in[1]])
        e_outs, t_outs = _flat(e(*e_args)), _flat(t(*t_args))
        names = ["output", "h_n", "c_n"][:len(t_outs)]
        assert e_outs[0].dtype.name == dtype
        _backward_and_compare(e_outs, t_outs, dtype, rng, names)
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        _close(ei.grad, ti.grad, dtype, ["input grad", "h0 grad", "c0 grad"][i])
    _compare_params(e, t, dtype)


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("kind", list(LAYERS))
def test_layer_matches_torch(kind: str, config: str, dtype: str, direction: str) -> None:
    options, with_h0, unbatched = CONFIGS[config]
    _run_layer(kind, options, with_h0, unbatched, dtype, direction)


PROJECTED = {
    "one_layer": ({}, False, False),
    "two_layers_bidirectional_batch_first_h0": ({"num_layers": 2, "bidirectional": True, "batch_first": True}, True, False),
    "no_bias_h0": ({"bias": False}, True, False),
    "unbatched_h0": ({"num_layers": 2}, True, True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", list(PROJECTED))
def test_lstm_with_projections_matches_torch(config: str, dtype: str) -> None:
    options, with_h0, unbatched = PROJECTED[config]
    _run_layer("lstm", {**options, "proj_size": 4}, with_h0, unbatched, dtype, DIRECTIONS[len(config) % 2])


@pytest.mark.parametrize("kind", list(LAYERS))
def test_gradients_accumulate_over_two_steps_as_torchs(kind: str) -> None:
    _run_layer(kind, {"num_layers": 2, "bidirectional": True}, True, False, "float64", "torch->ember", steps=2)


@pytest.mark.parametrize("mode, node, per_direction, unbinds", [
    ("LSTM", "FusedLSTMLayerBackward0", 1, 0),  # the whole sequence in one node
    ("LSTM-proj", "FusedLSTMCellBackward0", 7, 1),  # h W_hr^T between steps: a node per step
    ("GRU", "FusedGRUCellBackward0", 7, 1),
])
def test_fused_nodes_per_layer_and_direction(mode: str, node: str, per_direction: int, unbinds: int) -> None:
    layer = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2) if mode == "LSTM-proj" else (
        getattr(nn, mode)(3, 4, num_layers=2, bidirectional=True))
    out, _ = layer(ember.ones(7, 2, 3))
    counts = count_nodes(out.grad_fn)
    assert counts[node] == per_direction * 2 * 2
    assert counts["AddmmBackward0"] >= 2 * 2  # x W_ih^T for all steps at once (and h W_hr^T per step)
    assert counts.get("UnbindBackward0", 0) == unbinds * 2 * 2


@pytest.mark.parametrize(
    "build",
    [
        lambda m: m.LSTM(64, 128, batch_first=True),
        lambda m: m.LSTM(3, 4, num_layers=2, bias=False, dropout=0.5, bidirectional=True),
        lambda m: m.LSTM(3, 4, 2, True, False, 0.0, True, 2),
        lambda m: m.GRU(3, 4, 3, True, True, 0.25, True),
        lambda m: m.RNN(3, 4, nonlinearity="relu", num_layers=2),
        lambda m: m.RNN(3, 4, 1, "tanh"),
        lambda m: m.RNNCell(3, 4, bias=False, nonlinearity="relu"),
        lambda m: m.LSTMCell(5, 2),
        lambda m: m.GRUCell(5, 2, bias=False),
        lambda m: m.Sequential(m.LSTM(2, 3), m.GRUCell(3, 3)),
    ],
)
def test_names_shapes_and_repr_equal_torch(build: Any) -> None:
    e, t = build(nn), build(torch.nn)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert all(p.dtype is ember.float32 and p.requires_grad and p.is_leaf for p in e.parameters())
    assert repr(e) == repr(t)


def test_all_weights_and_attributes_as_torch() -> None:
    e, t = nn.GRU(3, 4, num_layers=2, bidirectional=True), torch.nn.GRU(3, 4, num_layers=2, bidirectional=True)
    assert [[tuple(p.shape) for p in ps] for ps in e.all_weights] == [[tuple(p.shape) for p in ps] for ps in t.all_weights]
    assert e.all_weights[3][1] is e.weight_hh_l1_reverse
    for name in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size"):
        assert getattr(e, name) == getattr(t, name), name
    e.flatten_parameters()


@pytest.mark.parametrize("hidden", [1, 16, 200])
def test_init_is_uniform_within_one_over_sqrt_hidden(hidden: int) -> None:
    ember.manual_seed(0)
    bound = 1 / math.sqrt(hidden)
    for layer in (nn.LSTM(7, hidden, num_layers=2), nn.GRUCell(7, hidden), nn.RNN(3, hidden, bidirectional=True)):
        values = np.concatenate([p.detach().numpy().ravel() for p in layer.parameters()])
        n = values.size
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > bound * (1 - 20 / n)  # the whole range is used
        assert abs(values.mean()) < 5 * bound / math.sqrt(3 * n)
        assert abs(values.std() - bound / math.sqrt(3)) < 5 * bound / math.sqrt(n)
    ember.manual_seed(5)
    a = nn.LSTM(3, 4).weight_hh_l0.detach().numpy().copy()
    ember.manual_seed(5)
    np.testing.assert_array_equal(a, nn.LSTM(3, 4).weight_hh_l0.detach().numpy())


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
def test_double_backward_through_a_layer_matches_torch(mode: str) -> None:
    """d/dW of |d loss / d x|^2: the fused steps' backward is itself differentiated."""
    e, t = _pair(lambda m: getattr(m, mode)(IN, HIDDEN, num_layers=2, bidirectional=True), "float64", "torch->ember")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((SEQ, BATCH, IN))
    r = rng.standard_normal((SEQ, BATCH, 2 * HIDDEN))
    (ex,), (tx,) = _both([x])
    (eg,) = ember.autograd.grad((e(ex)[0] * ember.tensor(r)).sum(), ex, create_graph=True)
    (tg,) = torch.autograd.grad((t(tx)[0] * torch.tensor(r)).sum(), tx, create_graph=True)
    _close(eg, tg, "float64", "input grad")
    (eg * eg).sum().backward()
    (tg * tg).sum().backward()
    _close(ex.grad, tx.grad, "float64", "input grad of grad")
    _compare_params(e, t, "float64")


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
def test_dropout_one_zeroes_the_input_of_every_layer_but_the_first_as_torch(mode: str) -> None:
    """p = 1 is deterministic in both libraries: layers 2 and 3 see zeros in training."""
    e, t = _pair(lambda m: getattr(m, mode)(IN, HIDDEN, num_layers=3, dropout=1.0), "float64", "torch->ember")
    x = np.random.default_rng(7).standard_normal((SEQ, BATCH, IN))
    (ex,), (tx,) = _both([x])
    e_outs, t_outs = _flat(e(ex)), _flat(t(tx))
    _backward_and_compare(e_outs, t_outs, "float64", np.random.default_rng(8), ["output", "h_n", "c_n"])
    _close(ex.grad, tx.grad, "float64", "input grad")  # through the first layer's h_n only
    _compare_params(e, t, "float64")


def test_dropout_acts_between_layers_in_training_only() -> None:
    x = ember.tensor(np.random.default_rng(9).standard_normal((SEQ, BATCH, IN)).astype(np.float32))
    ember.manual_seed(0)
    layer = nn.LSTM(IN, HIDDEN, num_layers=2, dropout=0.5)
    t = torch.nn.LSTM(IN, HIDDEN, num_layers=2, dropout=0.5)
    share_weights(layer, t, "ember->torch")
    layer.eval()
    t.eval()
    evaluated = layer(x)[0].detach().numpy()
    np.testing.assert_allclose(evaluated, t(torch.tensor(x.numpy()))[0].detach().numpy(), rtol=1e-5, atol=1e-6)
    layer.train()
    ember.manual_seed(1)
    first = layer(x)[0].detach().numpy()
    ember.manual_seed(1)
    np.testing.assert_array_equal(first, layer(x)[0].detach().numpy())  # the mask comes from ember's generator
    assert np.abs(first - evaluated).max() > 1e-3
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        single = nn.GRU(IN, HIDDEN, dropout=0.5)
    single.train()
    np.testing.assert_array_equal(single(x)[0].detach().numpy(), single.eval()(x)[0].detach().numpy())  # no dropout after the last layer


def _same_error(call: Any, exact: bool = True) -> None:
    """`call(lib, nn)` raises the same exception type in torch and ember (and the same message,
    ember's types named for ember, where `exact`)."""
    with pytest.raises(Exception) as t_err:
        call(torch, torch.nn)
    with pytest.raises(Exception) as e_err:
        call(ember, nn)
    assert type(e_err.value) is type(t_err.value), (e_err.value, t_err.value)
    if exact:
        assert str(e_err.value) == str(t_err.value).replace("torch.", "ember.")


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, m: m.LSTM(4, 6)(lib.ones(2, 3, 4, 5)),
        lambda lib, m: m.GRU(4, 6)(lib.ones(5)),
        lambda lib, m: m.RNN(4, 6)(lib.ones(5, 3, 5)),
        lambda lib, m: m.RNN(4, 6)(lib.ones(5, 3, 4), lib.zeros(1, 2, 6)),
        lambda lib, m: m.GRU(4, 6, bidirectional=True)(lib.ones(5, 3, 4), lib.zeros(1, 3, 6)),
        lambda lib, m: m.LSTM(4, 6)(lib.ones(5, 3, 4), (lib.zeros(1, 3, 6), lib.zeros(1, 2, 6))),
        lambda lib, m: m.LSTM(4, 6)(lib.ones(5, 3, 4), (lib.zeros(1, 3, 5), lib.zeros(1, 3, 6))),
        lambda lib, m: m.LSTM(4, 6)(lib.ones(5, 4), (lib.zeros(1, 1, 6), lib.zeros(1, 1, 6))),
        lambda lib, m: m.GRU(4, 6)(lib.ones(5, 4), lib.zeros(1, 1, 6)),
        lambda lib, m: m.RNN(4, 6)(lib.ones(5, 3, 4), lib.zeros(3, 6)),
        lambda lib, m: m.LSTM(4, 6)(lib.ones(5, 3, 4, dtype=lib.float64)),
        lambda lib, m: m.LSTM(4, 6, dropout=1.5),
        lambda lib, m: m.LSTM(4, 6, dropout=True),
        lambda lib, m: m.GRU(4, 0),
        lambda lib, m: m.GRU(0, 3),
        lambda lib, m: m.RNN(4, 6, num_layers=0),
        lambda lib, m: m.RNN(4, 6, bias=1),
        lambda lib, m: m.RNN(4, 6, batch_first=None),
        lambda lib, m: m.RNN(4.0, 6),
        lambda lib, m: m.RNN(4, 6, nonlinearity="sigmoid"),
        lambda lib, m: m.GRU(4, 6, proj_size=2),
        lambda lib, m: m.RNN(4, 6, proj_size=2),
        lambda lib, m: m.LSTM(4, 6, proj_size=6),
        lambda lib, m: m.LSTM(4, 6, proj_size=-1),
        lambda lib, m: m.LSTM(4, 6, proj_size=2)(lib.ones(5, 3, 4), (lib.zeros(1, 3, 6), lib.zeros(1, 3, 6))),
        lambda lib, m: m.LSTM(4, 6, proj_size=2)(lib.ones(5, 3, 4), (lib.zeros(1, 3, 2), lib.zeros(1, 3, 2))),
        lambda lib, m: m.RNNCell(4, 6, nonlinearity="gelu")(lib.ones(3, 4)),
        lambda lib, m: m.LSTMCell(4, 6)(lib.ones(2, 3, 4)),
        lambda lib, m: m.GRUCell(4, 6)(lib.ones(3, 4), lib.zeros(1, 3, 6)),
        lambda lib, m: m.RNNCell(4, 6)(lib.ones(3, 5)),
        lambda lib, m: m.GRUCell(4, 6)(lib.ones(3, 4), lib.zeros(2, 6)),
        lambda lib, m: m.LSTMCell(4, 6)(lib.ones(3, 4), (lib.zeros(3, 6), lib.zeros(3, 5))),
    ],
)
def test_errors_match_torchs(call: Any) -> None:
    _same_error(call)


def test_cell_dtype_mismatch_is_an_error_as_in_torch() -> None:
    _same_error(lambda lib, m: m.LSTMCell(4, 6)(lib.ones(3, 4, dtype=lib.float64)), exact=False)
    with pytest.raises(RuntimeError, match=r"\.to\(ember\.float32\)"):
        nn.GRUCell(4, 6)(ember.ones(3, 4, dtype=ember.float64))


def test_dtype_argument_and_double() -> None:
    layer = nn.LSTM(3, 2, num_layers=2, dtype=ember.float64)
    assert all(p.dtype is ember.float64 for p in layer.parameters())
    out, (h, c) = layer(ember.ones(4, 1, 3, dtype=ember.float64))
    assert out.dtype is h.dtype is c.dtype is ember.float64
    cell = nn.GRUCell(3, 2).double()
    assert cell(ember.ones(3, dtype=ember.float64)).dtype is ember.float64
