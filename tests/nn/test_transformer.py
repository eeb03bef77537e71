"""TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder and
Transformer against torch in eval mode (dropout off): same state_dict both ways, outputs, input
gradients and every parameter gradient; post- and pre-norm, causal and padding masks."""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from tolerances import FLOAT32_LONG_SUM

from .conftest import TOLERANCE, share_weights

DTYPES = ["float64", "float32"]
# torch warns that its nested-tensor fast path is off for sequence-first layers; not what is tested here
pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor is True:UserWarning")
DIRECTIONS = ["torch->ember", "ember->torch"]

S, T, N, E = 5, 4, 2, 8
_KPM = np.array([[False, False, False, True, True], [False, False, False, False, False]])


def _causal(n: int) -> np.ndarray:
    return np.triu(np.full((n, n), -np.inf), 1)


def _compare(build: Callable, shapes: list, masks: dict, call: dict, dtype: str, direction: str,
             tolerance: Optional[tuple[float, float]] = None) -> None:
    """Same weights and inputs (eval mode): compare output, input grads and parameter grads."""
    rtol, atol = tolerance or TOLERANCE[dtype]
    torch.manual_seed(0)
    ember.manual_seed(1)
    e, t = build(nn).eval(), build(torch.nn).eval()
    t.to(getattr(torch, dtype))
    e.to(getattr(ember, dtype))
    share_weights(e, t, direction)
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    cast = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in masks.items()}
    e_out = e(*e_in, **{k: ember.tensor(v) for k, v in cast.items()}, **call)
    t_out = t(*t_in, **{k: torch.tensor(v) for k, v in cast.items()}, **call)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol, err_msg="output")
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"input {i} grad")
    e_params, t_params = dict(e.named_parameters()), dict(t.named_parameters())
    assert list(e_params) == list(t_params)
    for name, p in e_params.items():
        assert p.grad is not None, name
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), rtol=rtol, atol=atol, err_msg=f"{name} grad")


def _enc_layer(m, **kw):
    return m.TransformerEncoderLayer(E, 2, dim_feedforward=16, **kw)


def _dec_layer(m, **kw):
    return m.TransformerDecoderLayer(E, 2, dim_feedforward=16, **kw)


CASES = {
    "enc_layer": (lambda m: _enc_layer(m), [(S, N, E)], {}, {}),
    "enc_layer_norm_first": (lambda m: _enc_layer(m, norm_first=True), [(S, N, E)], {}, {}),
    "enc_layer_gelu_batch_first": (lambda m: _enc_layer(m, activation="gelu", batch_first=True), [(N, S, E)], {}, {}),
    "enc_layer_no_bias": (lambda m: _enc_layer(m, bias=False), [(S, N, E)], {}, {}),
    "enc_layer_causal": (lambda m: _enc_layer(m), [(S, N, E)], {"src_mask": _causal(S)}, {"is_causal": True}),
    "enc_layer_padding": (lambda m: _enc_layer(m, batch_first=True, norm_first=True), [(N, S, E)],
                          {"src_key_padding_mask": _KPM}, {}),
    "enc_layer_unbatched": (lambda m: _enc_layer(m, batch_first=True), [(S, E)], {"src_mask": _causal(S)}, {}),
    "enc_layer_activation_module": (lambda m: _enc_layer(m, activation=m.GELU(approximate="tanh")), [(S, N, E)], {}, {}),
    "encoder": (lambda m: m.TransformerEncoder(_enc_layer(m), 2), [(S, N, E)], {"mask": _causal(S)}, {}),
    "encoder_norm_first_with_norm": (lambda m: m.TransformerEncoder(_enc_layer(m, norm_first=True), 2, m.LayerNorm(E)),
                                     [(S, N, E)], {"mask": _causal(S)}, {}),
    "dec_layer": (lambda m: _dec_layer(m), [(T, N, E), (S, N, E)], {}, {}),
    "dec_layer_norm_first_causal": (lambda m: _dec_layer(m, norm_first=True), [(T, N, E), (S, N, E)],
                                    {"tgt_mask": _causal(T)}, {"tgt_is_causal": True}),
    "dec_layer_masks_batch_first": (lambda m: _dec_layer(m, batch_first=True, activation="gelu"), [(N, T, E), (N, S, E)],
                                    {"tgt_mask": _causal(T), "memory_key_padding_mask": _KPM}, {}),
    "dec_layer_unbatched_callable": (lambda m: _dec_layer(m, activation=m.functional.silu), [(T, E), (S, E)],
                                     {"memory_key_padding_mask": _KPM[0]}, {}),
    "decoder": (lambda m: m.TransformerDecoder(_dec_layer(m), 2, m.LayerNorm(E)), [(T, N, E), (S, N, E)],
                {"tgt_mask": _causal(T)}, {}),
    "transformer": (lambda m: m.Transformer(E, 2, 2, 2, 16), [(S, N, E), (T, N, E)], {"tgt_mask": _causal(T)}, {}),
    "transformer_unbatched": (lambda m: m.Transformer(E, 2, 1, 1, 16), [(S, E), (T, E)], {"tgt_mask": _causal(T)}, {}),
    "transformer_norm_first_batch_first": (
        lambda m: m.Transformer(E, 2, 1, 2, 16, norm_first=True, batch_first=True), [(N, S, E), (N, T, E)],
        {"tgt_mask": _causal(T), "src_key_padding_mask": _KPM, "memory_key_padding_mask": _KPM}, {}),
}


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CASES))
def test_transformer_modules_match_torch(name: str, dtype: str, direction: str) -> None:
    build, shapes, masks, call = CASES[name]
    # float32: a whole Transformer's first-layer gradients sum through every later layer, in another order than torch's
    long_sum = name.startswith("transformer") and dtype == "float32"
    _compare(build, shapes, masks, call, dtype, direction, FLOAT32_LONG_SUM if long_sum else None)


@pytest.mark.parametrize("build", [
    lambda m: _enc_layer(m), lambda m: _dec_layer(m, norm_first=True), lambda m: m.TransformerEncoder(_enc_layer(m), 2),
    lambda m: m.Transformer(E, 2, 1, 1, 16), lambda m: _enc_layer(m, activation=m.ReLU()),
])
def test_state_dict_keys_shapes_and_repr_equal_torch(build) -> None:
    e, t = build(nn), build(torch.nn)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert repr(e) == repr(t)


def test_generate_square_subsequent_mask_equals_torch() -> None:
    e = nn.Transformer.generate_square_subsequent_mask(4)
    t = torch.nn.Transformer.generate_square_subsequent_mask(4)
    assert e.dtype is ember.float32
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64).dtype is ember.float64


def test_encoder_layers_are_independent_copies() -> None:
    enc = nn.TransformerEncoder(_enc_layer(nn), 3)
    weights = [layer.linear1.weight for layer in enc.layers]
    assert len({id(w) for w in weights}) == 3
    np.testing.assert_array_equal(weights[0].detach().numpy(), weights[2].detach().numpy())


def test_transformer_reinitialises_matrices_xavier_uniform() -> None:
    model = nn.Transformer(16, 2, 1, 1, 32)
    w = model.encoder.layers[0].linear1.weight.detach().numpy()  # (32, 16)
    bound = np.sqrt(6 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound


def test_errors() -> None:
    with pytest.raises(RuntimeError):
        nn.TransformerEncoderLayer(E, 2, activation="tanh")
    model = nn.Transformer(E, 2, 1, 1, 16)
    with pytest.raises(RuntimeError):
        model(ember.randn(S, 2, E), ember.randn(T, 3, E))
    with pytest.raises(RuntimeError):
        model(ember.randn(S, 2, E), ember.randn(T, 2, E + 1))


def test_dropout_is_active_in_training_only() -> None:
    layer = nn.TransformerEncoderLayer(E, 2, dim_feedforward=16, dropout=0.5)
    x = ember.randn(S, N, E)
    ember.manual_seed(0)
    train = layer(x).detach().numpy()
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())
    assert not np.allclose(train, layer(x).detach().numpy())


@pytest.mark.parametrize("kpm, layer_kw, grad", [
    (_KPM, {}, False),                                          # torch packs into a nested tensor: padding -> 0
    (_KPM, {}, True),                                           # gradients recorded: no nested tensor
    (np.array([[False, True, False, False, False]] * 2), {}, False),  # not left-aligned
    (_KPM, {"norm_first": True}, False),                        # layer not eligible
    (_KPM, {"activation": "gelu"}, False),
])
def test_encoder_inference_padding_matches_torch_nested_tensor_path(kpm: np.ndarray, layer_kw: dict, grad: bool) -> None:
    """torch's TransformerEncoder in inference returns 0 at padded positions (before `norm`) when
    it can pack the batch into a nested tensor; ember follows it there and only there."""
    build = lambda m: m.TransformerEncoder(_enc_layer(m, batch_first=True, **layer_kw), 2, m.LayerNorm(E))
    torch.manual_seed(0)
    e, t = build(nn).eval(), build(torch.nn).eval()
    share_weights(e, t, "torch->ember")
    x = np.random.default_rng(0).standard_normal((N, S, E)).astype("float32")
    with torch.set_grad_enabled(grad):
        t_out = t(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm)).detach().numpy()
    with ember.set_grad_enabled(grad):
        e_out = e(ember.tensor(x), src_key_padding_mask=ember.tensor(kpm)).detach().numpy()
    np.testing.assert_allclose(e_out, t_out, rtol=1e-5, atol=1e-6)


def test_dtype_argument_reaches_every_parameter() -> None:
    model = nn.Transformer(E, 2, 1, 1, 16, dtype=ember.float64)
    assert {p.dtype for p in model.parameters()} == {ember.float64}
    x = ember.randn(S, N, E, dtype=ember.float64)
    assert model(x, x[:T]).dtype is ember.float64
