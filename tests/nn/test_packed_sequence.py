"""PackedSequence and the packing helpers against torch.nn.utils.rnn, and RNN, LSTM and GRU on
packed input against torch's with the same state_dict: packed and padded-back outputs, h_n and
c_n, the gradient of the padded input (through pack_padded_sequence), of the initial states and
of every parameter; random lengths; gradcheck; torch's errors."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pytest
import torch
import torch.nn.utils.rnn as trnn
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import ember.nn as nn
from ember.nn.utils import rnn

from .conftest import count_nodes, share_weights
from .test_rnn import _close, _compare_params

DTYPES = ["float64", "float32"]
IN, HIDDEN = 3, 5


def _same_packed(e: rnn.PackedSequence, t: trnn.PackedSequence, dtype: Optional[str] = None) -> None:
    """Same data (exactly, or to the dtype's tolerance), batch sizes and index permutations."""
    if dtype is None:
        np.testing.assert_array_equal(e.data.detach().numpy(), t.data.detach().numpy())
    else:
        _close(e.data, t.data, dtype, "packed data")
    assert e.batch_sizes.dtype is ember.int64 and e.batch_sizes.device.type == "cpu"
    assert e.batch_sizes.tolist() == t.batch_sizes.tolist()
    for name in ("sorted_indices", "unsorted_indices"):
        ei, ti = getattr(e, name), getattr(t, name)
        assert (ei is None) == (ti is None), name
        if ei is not None:
            assert ei.dtype is ember.int64 and ei.tolist() == ti.tolist(), name


# ---------------------------------------------------------------- packing helpers


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths, enforce_sorted", [
    ([5, 3, 3, 1], True), ([4, 4, 4, 4], True), ([2, 5, 1, 3], False), ([3, 3, 5, 1], False), ([5, 1, 1, 1], False),
])
def test_pack_padded_sequence_and_back_as_torch(batch_first: bool, lengths: list, enforce_sorted: bool) -> None:
    rng = np.random.default_rng(0)
    shape = (len(lengths), 5, 2, 3) if batch_first else (5, len(lengths), 2, 3)
    x = rng.standard_normal(shape)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e_lengths = ember.tensor(lengths) if enforce_sorted else lengths  # a tensor or a list
    ep = rnn.pack_padded_sequence(ex, e_lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    tp = trnn.pack_padded_sequence(tx, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    _same_packed(ep, tp)
    e_pad, e_len = rnn.pad_packed_sequence(ep, batch_first=batch_first, padding_value=-7.0, total_length=6)
    t_pad, t_len = trnn.pad_packed_sequence(tp, batch_first=batch_first, padding_value=-7.0, total_length=6)
    np.testing.assert_array_equal(e_pad.detach().numpy(), t_pad.detach().numpy())
    assert e_len.dtype is ember.int64 and e_len.tolist() == t_len.tolist() == lengths
    r = rng.standard_normal(tuple(t_pad.shape))
    (e_pad * ember.tensor(r)).sum().backward()
    (t_pad * torch.tensor(r)).sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())  # zero at the padding


def test_pad_packed_sequence_gradient_reaches_packed_data() -> None:
    data = np.arange(12.0).reshape(6, 2)
    sizes = [3, 2, 1]
    e_data, t_data = ember.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    ep = rnn.PackedSequence(e_data, ember.tensor(sizes), ember.tensor([1, 2, 0]))
    tp = trnn.PackedSequence(t_data, torch.tensor(sizes), torch.tensor([1, 2, 0]))
    _same_packed(ep, tp)
    e_pad, _ = rnn.pad_packed_sequence(ep, batch_first=True)
    t_pad, _ = trnn.pad_packed_sequence(tp, batch_first=True)
    np.testing.assert_array_equal(e_pad.detach().numpy(), t_pad.detach().numpy())
    r = np.random.default_rng(1).standard_normal(tuple(t_pad.shape))
    (e_pad * ember.tensor(r)).sum().backward()
    (t_pad * torch.tensor(r)).sum().backward()
    np.testing.assert_array_equal(e_data.grad.numpy(), t_data.grad.numpy())


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence_unpack_and_unpad_as_torch(enforce_sorted: bool) -> None:
    rng = np.random.default_rng(2)
    lengths = [4, 2, 2, 1] if enforce_sorted else [2, 4, 1, 2]
    arrays = [rng.standard_normal((n, 3)) for n in lengths]
    e_seqs = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_seqs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ep, tp = rnn.pack_sequence(e_seqs, enforce_sorted), trnn.pack_sequence(t_seqs, enforce_sorted)
    _same_packed(ep, tp)
    e_back, t_back = rnn.unpack_sequence(ep), trnn.unpack_sequence(tp)
    assert len(e_back) == len(t_back) == len(arrays)
    weights = [rng.standard_normal(a.shape) for a in arrays]
    for eb, tb, a in zip(e_back, t_back, arrays):
        np.testing.assert_array_equal(eb.detach().numpy(), a)
        np.testing.assert_array_equal(tb.detach().numpy(), a)
    sum((eb * ember.tensor(w)).sum() for eb, w in zip(e_back, weights)).backward()
    sum((tb * torch.tensor(w)).sum() for tb, w in zip(t_back, weights)).backward()
    for es, ts, w in zip(e_seqs, t_seqs, weights):
        np.testing.assert_array_equal(es.grad.numpy(), ts.grad.numpy())
        np.testing.assert_array_equal(es.grad.numpy(), w)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence_as_torch_without_changing_the_input(batch_first: bool) -> None:
    lengths = [3, 1, 2]
    arrays = [np.arange(n * 2.0).reshape(n, 2) + 10 * i for i, n in enumerate(lengths)]
    e_pad = rnn.pad_sequence([ember.tensor(a) for a in arrays], batch_first=batch_first)
    t_pad = trnn.pad_sequence([torch.tensor(a) for a in arrays], batch_first=batch_first)
    shape = e_pad.shape
    e_out = rnn.unpad_sequence(e_pad, ember.tensor(lengths), batch_first=batch_first)
    t_out = trnn.unpad_sequence(t_pad, torch.tensor(lengths), batch_first=batch_first)
    assert e_pad.shape == shape  # torch transposes its argument in place; ember leaves it alone
    for e, t, a in zip(e_out, t_out, arrays):
        np.testing.assert_array_equal(e.numpy(), t.numpy())
        np.testing.assert_array_equal(e.numpy(), a)


def test_packed_sequence_is_torchs_named_tuple() -> None:
    x = np.arange(8.0).reshape(4, 2, 1)
    ep = rnn.pack_padded_sequence(ember.tensor(x, dtype=ember.float32), [3, 4], enforce_sorted=False)
    tp = trnn.pack_padded_sequence(torch.tensor(x, dtype=torch.float32), [3, 4], enforce_sorted=False)
    assert repr(ep) == repr(tp)
    data, batch_sizes, sorted_indices, unsorted_indices = ep
    assert data is ep.data and batch_sizes is ep.batch_sizes and ep._fields == tp._fields
    assert sorted_indices.tolist() == [1, 0] and unsorted_indices.tolist() == [1, 0]
    assert ep.is_cuda is False and ep.cpu() is ep and ep.float() is ep
    for convert in ("double", "half", "long", "int", "short", "char", "byte"):
        e_conv, t_conv = getattr(ep, convert)(), getattr(tp, convert)()
        assert type(e_conv) is rnn.PackedSequence and e_conv.data.dtype.name == str(t_conv.data.dtype)[6:], convert
        assert e_conv.batch_sizes is ep.batch_sizes and e_conv.sorted_indices.tolist() == [1, 0]
    assert ep.to(ember.float64).data.dtype is ember.float64 and ep.to(dtype=ember.float32) is ep
    rebuilt = rnn.PackedSequence((ep.data, ep.batch_sizes), sorted_indices=ep.sorted_indices)
    assert rebuilt.unsorted_indices.tolist() == [1, 0]
    assert rnn.invert_permutation(ember.tensor([2, 0, 3, 1])).tolist() == trnn.invert_permutation(
        torch.tensor([2, 0, 3, 1])).tolist()
    assert rnn.invert_permutation(None) is None
    with pytest.raises(AssertionError):
        rnn.PackedSequence(ep.data)
    with pytest.raises(RuntimeError, match="cuda"):
        ep.cuda()


def test_packed_sequence_exported_by_nn_utils() -> None:
    from ember.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

    assert ember.nn.utils.rnn.PackedSequence is PackedSequence is rnn.PackedSequence
    assert set(trnn.__all__) <= set(rnn.__all__)
    assert pack_padded_sequence is rnn.pack_padded_sequence and pad_packed_sequence is rnn.pad_packed_sequence


@pytest.mark.parametrize("call", [
    lambda m, x: m.nn.utils.rnn.pack_padded_sequence(x, [2, 3, 1]),
    lambda m, x: m.nn.utils.rnn.pack_padded_sequence(x, [3, 2, 0]),
    lambda m, x: m.nn.utils.rnn.pack_padded_sequence(x, [0, 3, 2], enforce_sorted=False),
    lambda m, x: m.nn.utils.rnn.pack_padded_sequence(x, [3, 2]),
    lambda m, x: m.nn.utils.rnn.pack_padded_sequence(x, [[3, 2, 1]]),
    lambda m, x: m.nn.utils.rnn.pack_padded_sequence(x[:0], [3, 2, 1]),
    lambda m, x: m.nn.utils.rnn.pack_sequence([]),
])
def test_packing_errors_as_torch(call: Any) -> None:
    messages = []
    for lib in (ember, torch):
        x = lib.zeros(4, 3, 2)
        with pytest.raises(RuntimeError) as info:
            call(lib, x)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_unsorted_lengths_error_names_the_fix() -> None:
    with pytest.raises(RuntimeError, match="You can pass `enforce_sorted=False`"):
        rnn.pack_padded_sequence(ember.zeros(4, 3, 2), [2, 3, 1])


def test_lengths_longer_than_the_padded_input_refused() -> None:
    # torch reads past the end of the input here; ember refuses
    with pytest.raises(RuntimeError, match="at most the padded length 4, but got a length of 5"):
        rnn.pack_padded_sequence(ember.zeros(4, 3, 2), [5, 2, 1])


def test_total_length_too_small_as_torch() -> None:
    messages = []
    for lib in (ember, torch):
        packed = lib.nn.utils.rnn.pack_sequence([lib.ones(3), lib.ones(2)])
        with pytest.raises(ValueError) as info:
            lib.nn.utils.rnn.pad_packed_sequence(packed, total_length=2)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "total_length=2 and max sequence length being 3" in messages[0]


# ---------------------------------------------------------------- recurrent layers on packed input

LAYERS = {"rnn_tanh": ("RNN", {}), "rnn_relu": ("RNN", {"nonlinearity": "relu"}), "lstm": ("LSTM", {}),
          "gru": ("GRU", {}), "lstm_proj": ("LSTM", {"proj_size": 2})}
# options, lengths, enforce_sorted, whether initial states are given
CONFIGS = {
    "one_layer": ({}, [5, 3, 3, 1], True, False),
    "one_layer_h0": ({}, [5, 3, 3, 1], True, True),
    "equal_lengths": ({"bidirectional": True}, [4, 4, 4], True, True),
    "unsorted_h0": ({}, [2, 5, 1, 3], False, True),
    "bidirectional_unsorted": ({"bidirectional": True}, [3, 1, 5, 3], False, False),
    "two_layers_h0": ({"num_layers": 2}, [5, 4, 2, 2, 1], True, True),
    "two_layers_bidirectional_unsorted_h0": ({"num_layers": 2, "bidirectional": True}, [1, 4, 5, 2], False, True),
    "batch_first_bidirectional_no_bias": ({"batch_first": True, "bidirectional": True, "bias": False}, [2, 5, 5], False, True),
}


def _run_packed(kind: str, options: dict, lengths: list, enforce_sorted: bool, with_h0: bool, dtype: str,
                seed: int = 0) -> None:
    """Pack the same padded input in both libraries, run the layer, compare everything that
    comes out and, after backward of a random weighting of the padded output and the final
    states, every gradient."""
    mode, extra = LAYERS[kind]
    kwargs = {**extra, **options}
    torch.manual_seed(seed)
    t = getattr(torch.nn, mode)(IN, HIDDEN, **kwargs).to(getattr(torch, dtype))
    e = getattr(nn, mode)(IN, HIDDEN, **kwargs).to(getattr(ember, dtype))
    share_weights(e, t, "torch->ember")
    rng = np.random.default_rng(seed)
    batch_first = kwargs.get("batch_first", False)
    steps, batch = max(lengths) + 1, len(lengths)  # one step of padding past the longest
    x = rng.standard_normal((batch, steps, IN) if batch_first else (steps, batch, IN)).astype(dtype)
    layers = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    widths = [kwargs.get("proj_size") or HIDDEN, HIDDEN][:2 if mode == "LSTM" else 1]
    arrays = [x] + ([rng.standard_normal((layers, batch, w)).astype(dtype) for w in widths] if with_h0 else [])
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_packed = rnn.pack_padded_sequence(e_in[0], lengths, batch_first, enforce_sorted)
    t_packed = trnn.pack_padded_sequence(t_in[0], lengths, batch_first, enforce_sorted)
    e_args, t_args = [e_packed], [t_packed]
    if with_h0:
        e_args.append(tuple(e_in[1:]) if mode == "LSTM" else e_in[1])
        t_args.append(tuple(t_in[1:]) if mode == "LSTM" else t_in[1])
    e_out, e_state = e(*e_args)
    t_out, t_state = t(*t_args)
    assert type(e_out) is rnn.PackedSequence
    _same_packed(e_out, t_out, dtype)
    assert e_out.batch_sizes is e_packed.batch_sizes
    e_states = list(e_state) if mode == "LSTM" else [e_state]
    t_states = list(t_state) if mode == "LSTM" else [t_state]
    e_pad, e_len = rnn.pad_packed_sequence(e_out, batch_first)
    t_pad, t_len = trnn.pad_packed_sequence(t_out, batch_first)
    assert e_len.tolist() == t_len.tolist() == lengths
    e_loss, t_loss = 0, 0
    for name, eo, to in zip(["padded output", "h_n", "c_n"], [e_pad] + e_states, [t_pad] + t_states):
        _close(eo, to, dtype, name)
        assert eo.dtype.name == dtype
        r = rng.standard_normal(tuple(to.shape)).astype(dtype)
        e_loss = e_loss + (eo * ember.tensor(r)).sum()
        t_loss = t_loss + (to * torch.tensor(r)).sum()
    e_loss.backward()
    t_loss.backward()
    for name, ei, ti in zip(["input grad", "h0 grad", "c0 grad"], e_in, t_in):
        _close(ei.grad, ti.grad, dtype, name)
    _compare_params(e, t, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("kind", list(LAYERS))
def test_layer_on_packed_input_matches_torch(kind: str, config: str, dtype: str) -> None:
    _run_packed(kind, *CONFIGS[config], dtype)


@settings(max_examples=25, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 6), min_size=1, max_size=5),
    kind=st.sampled_from(["lstm", "gru", "rnn_tanh"]),
    bidirectional=st.booleans(),
    num_layers=st.integers(1, 2),
    with_h0=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_lengths_match_torch(lengths: list, kind: str, bidirectional: bool, num_layers: int, with_h0: bool,
                                    seed: int) -> None:
    options = {"bidirectional": bidirectional, "num_layers": num_layers}
    _run_packed(kind, options, lengths, False, with_h0, "float64", seed)


def test_packed_output_equals_each_sequence_run_alone() -> None:
    """The meaning of packing, checked without torch: each sequence's outputs and final state are
    those of the layer run on that sequence alone."""
    ember.manual_seed(0)
    layer = nn.LSTM(IN, HIDDEN, bidirectional=True).to(ember.float64)
    seqs = [ember.randn(n, IN, dtype=ember.float64) for n in (2, 5, 3)]
    out, (h_n, c_n) = layer(rnn.pack_sequence(seqs, enforce_sorted=False))
    outputs = rnn.unpack_sequence(out)
    for i, s in enumerate(seqs):
        alone, (h, c) = layer(s)
        np.testing.assert_allclose(outputs[i].detach().numpy(), alone.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(h_n[:, i].detach().numpy(), h.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(c_n[:, i].detach().numpy(), c.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
def test_gradcheck_through_packing(mode: str) -> None:
    ember.manual_seed(0)
    layer = getattr(nn, mode)(2, 3, bidirectional=True).to(ember.float64)
    x = ember.randn(4, 3, 2, dtype=ember.float64, requires_grad=True)
    h0 = ember.randn(2, 3, 3, dtype=ember.float64, requires_grad=True)
    c0 = ember.randn(2, 3, 3, dtype=ember.float64, requires_grad=True)

    def run(x: ember.Tensor, h0: ember.Tensor, c0: ember.Tensor) -> tuple:
        packed = rnn.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
        out, state = layer(packed, (h0, c0) if mode == "LSTM" else h0)
        padded, _ = rnn.pad_packed_sequence(out)
        return (padded, *state) if mode == "LSTM" else (padded, state)

    inputs = (x, h0, c0) if mode == "LSTM" else (x, h0)
    assert ember.autograd.gradcheck(lambda *a: run(*a, c0) if mode != "LSTM" else run(*a), inputs)


def test_packing_and_a_packed_layer_are_twice_differentiable() -> None:
    ember.manual_seed(0)
    layer = nn.GRU(2, 3, bidirectional=True).to(ember.float64)
    x = ember.randn(3, 3, 2, dtype=ember.float64, requires_grad=True)

    def round_trip(x: ember.Tensor) -> ember.Tensor:
        return rnn.pad_packed_sequence(rnn.pack_padded_sequence(x * x, [1, 3, 2], enforce_sorted=False))[0]

    def through_layer(x: ember.Tensor) -> tuple:
        out, h = layer(rnn.pack_padded_sequence(x, [3, 2, 2]))
        return out.data, h

    for fn in (round_trip, through_layer):
        assert ember.autograd.gradcheck(fn, (x,)) and ember.autograd.gradgradcheck(fn, (x,))


def test_dropout_between_layers_on_packed_data() -> None:
    torch.manual_seed(0)
    t = torch.nn.GRU(IN, HIDDEN, num_layers=2, dropout=0.5).double()
    e = nn.GRU(IN, HIDDEN, num_layers=2, dropout=0.5).to(ember.float64)
    share_weights(e, t, "torch->ember")
    x = np.random.default_rng(0).standard_normal((4, 3, IN))
    lengths = [4, 2, 1]
    e.eval()
    t.eval()
    e_out, e_h = e(rnn.pack_padded_sequence(ember.tensor(x), lengths))
    t_out, t_h = t(trnn.pack_padded_sequence(torch.tensor(x), lengths))
    _close(e_out.data, t_out.data, "float64", "eval output")
    _close(e_h, t_h, "float64", "eval h_n")
    e.train()
    runs = []
    for _ in range(2):
        ember.manual_seed(3)
        out, h = e(rnn.pack_padded_sequence(ember.tensor(x), lengths))
        runs.append(out.data.detach().numpy())
    np.testing.assert_array_equal(runs[0], runs[1])  # seeded dropout repeats
    assert not np.allclose(runs[0], e_out.data.detach().numpy())  # and acts between the layers


def test_graph_keeps_one_fused_node_per_step() -> None:
    layer = nn.LSTM(IN, HIDDEN)
    out, _ = layer(rnn.pack_sequence([ember.ones(5, IN), ember.ones(3, IN), ember.ones(1, IN)]))
    counts = count_nodes(out.data.grad_fn)
    assert counts["FusedLSTMCellBackward0"] == 5
    assert counts["AddmmBackward0"] == 1  # x W_ih^T for the packed data at once


@pytest.mark.parametrize("mode", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("case", ["hidden_batch", "hidden_layers", "hidden_rank", "input_size", "dtype", "data_rank"])
def test_packed_input_errors_as_torch(mode: str, case: str) -> None:
    """torch's exception types and messages. torch's RNN and GRU check packed input in Python;
    its LSTM leaves the checks to its kernels (messages about matmul shapes), so ember's LSTM is
    held to torch's GRU messages instead (hidden[0] for the first state, as on padded input)."""
    results = []
    for lib, layer_mode in ((ember, mode), (torch, "GRU" if mode == "LSTM" else mode)):
        layer = getattr(lib.nn, layer_mode)(2, 4)
        data = {"input_size": lib.zeros(8, 3), "dtype": lib.zeros(8, 2, dtype=lib.float64),
                "data_rank": lib.zeros(8, 1, 2)}.get(case, lib.zeros(8, 2))
        packed = lib.nn.utils.rnn.PackedSequence(data, lib.tensor([3, 3, 2]))
        hx = lib.zeros(*{"hidden_batch": (1, 2, 4), "hidden_layers": (2, 3, 4), "hidden_rank": (3, 4)}.get(case, (1, 3, 4)))
        with pytest.raises((RuntimeError, ValueError)) as info:
            layer(packed, (hx, hx) if layer_mode == "LSTM" else hx)
        results.append((info.type, str(info.value).replace("torch.", "ember.").replace("hidden[0]", "hidden")))
    assert results[0] == results[1]
