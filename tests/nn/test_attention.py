"""F.scaled_dot_product_attention and nn.MultiheadAttention against torch: values and every
gradient (inputs and parameters), masks of both kinds, causal attention, batch_first both ways."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F

from .conftest import TOLERANCE, share_weights

DTYPES = ["float64", "float32"]


def _random_mask(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A bool mask (True = take part) with the diagonal always on, so no row is fully masked."""
    mask = rng.random(shape) > 0.4
    idx = np.arange(min(shape[-2:]))
    mask[..., idx, idx] = True
    return mask


SDPA_CASES = {
    "plain": dict(q=(2, 3, 4, 5), k=(2, 3, 6, 5), v=(2, 3, 6, 7)),
    "3d": dict(q=(3, 4, 8), k=(3, 4, 8), v=(3, 4, 8)),
    "scale": dict(q=(2, 4, 5), k=(2, 6, 5), v=(2, 6, 3), scale=0.3),
    "causal": dict(q=(2, 2, 5, 4), k=(2, 2, 5, 4), v=(2, 2, 5, 4), is_causal=True),
    "causal_rect": dict(q=(2, 4, 4), k=(2, 6, 4), v=(2, 6, 4), is_causal=True),
    "bool_mask": dict(q=(2, 3, 5, 4), k=(2, 3, 6, 4), v=(2, 3, 6, 4), mask="bool", mask_shape=(5, 6)),
    "bool_mask_batched": dict(q=(2, 3, 5, 4), k=(2, 3, 6, 4), v=(2, 3, 6, 4), mask="bool", mask_shape=(2, 1, 5, 6)),
    "fully_masked_rows": dict(q=(2, 3, 5, 4), k=(2, 3, 6, 4), v=(2, 3, 6, 4), mask="dead_rows", mask_shape=(5, 6)),
    "float_mask_inf_rows": dict(q=(2, 5, 4), k=(2, 6, 4), v=(2, 6, 4), mask="float_dead_rows", mask_shape=(5, 6)),
    "gqa": dict(q=(2, 6, 4, 5), k=(2, 2, 3, 5), v=(2, 2, 3, 7), enable_gqa=True),
    "gqa_causal": dict(q=(4, 5, 3), k=(1, 5, 3), v=(1, 5, 3), enable_gqa=True, is_causal=True),
    "float_mask": dict(q=(2, 3, 5, 4), k=(2, 3, 6, 4), v=(2, 3, 6, 4), mask="float", mask_shape=(3, 5, 6)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(SDPA_CASES))
def test_sdpa_matches_torch(name: str, dtype: str) -> None:
    case = SDPA_CASES[name]
    rtol, atol = TOLERANCE[dtype]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(case[n]).astype(dtype) for n in "qkv"]
    kwargs_e: dict = {"is_causal": case.get("is_causal", False), "scale": case.get("scale"),
                      "enable_gqa": case.get("enable_gqa", False)}
    kwargs_t = dict(kwargs_e)
    if case.get("mask") == "bool":
        m = _random_mask(rng, case["mask_shape"])
        kwargs_e["attn_mask"], kwargs_t["attn_mask"] = ember.tensor(m), torch.tensor(m)
    elif case.get("mask") == "dead_rows":
        m = _random_mask(rng, case["mask_shape"])
        m[[1, 3]] = False
        kwargs_e["attn_mask"], kwargs_t["attn_mask"] = ember.tensor(m), torch.tensor(m)
    elif case.get("mask") in ("float", "float_dead_rows"):
        m = rng.standard_normal(case["mask_shape"]).astype(dtype)
        if case["mask"] == "float_dead_rows":
            m[2] = -np.inf
        kwargs_e["attn_mask"], kwargs_t["attn_mask"] = ember.tensor(m), torch.tensor(m)
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_out = F.scaled_dot_product_attention(*e_in, **kwargs_e)
    t_out = torch.nn.functional.scaled_dot_product_attention(*t_in, **kwargs_t)
    assert e_out.dtype.name == dtype
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    for n, ei, ti in zip("qkv", e_in, t_in):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"{n} grad")


def test_sdpa_masked_keys_get_zero_weight_and_gradient() -> None:
    q = ember.randn(1, 3, 4)
    k = ember.randn(1, 5, 4, requires_grad=True)
    v = ember.randn(1, 5, 4, requires_grad=True)
    mask = ember.tensor(np.array([True, True, False, True, False]))
    F.scaled_dot_product_attention(q, k, v, attn_mask=mask).sum().backward()
    assert np.all(v.grad.numpy()[0, [2, 4]] == 0) and np.all(k.grad.numpy()[0, [2, 4]] == 0)
    assert np.all(v.grad.numpy()[0, [0, 1, 3]] != 0)


def test_sdpa_causal_with_mask_is_an_error() -> None:
    q = ember.randn(2, 3, 4)
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(3, 3), is_causal=True)


def test_sdpa_dropout_one_zeroes_output_and_zero_keeps_it() -> None:
    q = ember.randn(2, 3, 4)
    assert np.all(F.scaled_dot_product_attention(q, q, q, dropout_p=1.0).numpy() == 0)
    np.testing.assert_array_equal(
        F.scaled_dot_product_attention(q, q, q, dropout_p=0.0).numpy(), F.scaled_dot_product_attention(q, q, q).numpy()
    )


def _compare_mha(
    kwargs: dict, shapes: tuple, dtype: str, direction: str, masks: Optional[dict] = None, call: Optional[dict] = None,
    self_attention: bool = False,
) -> None:
    """One MultiheadAttention built in both libraries with one set of weights: compare the output,
    the attention weights, the input gradients and every parameter gradient."""
    rtol, atol = TOLERANCE[dtype]
    torch.manual_seed(0)
    ember.manual_seed(1)
    e, t = nn.MultiheadAttention(**kwargs), torch.nn.MultiheadAttention(**kwargs)
    t.to(getattr(torch, dtype))
    e.to(getattr(ember, dtype))
    share_weights(e, t, direction)
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    if self_attention:
        e_in, t_in = e_in * 3, t_in * 3
    e_kw = {k: ember.tensor(v) for k, v in (masks or {}).items()}
    t_kw = {k: torch.tensor(v) for k, v in (masks or {}).items()}
    e_out, e_w = e(*e_in, **e_kw, **(call or {}))
    t_out, t_w = t(*t_in, **t_kw, **(call or {}))
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol, err_msg="output")
    assert (e_w is None) == (t_w is None)
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    e_loss = (e_out * ember.tensor(upstream)).sum()
    t_loss = (t_out * torch.tensor(upstream)).sum()
    if t_w is not None:
        np.testing.assert_allclose(e_w.detach().numpy(), t_w.detach().numpy(), rtol=rtol, atol=atol, err_msg="weights")
        w_up = rng.standard_normal(tuple(t_w.shape)).astype(dtype)
        e_loss = e_loss + (e_w * ember.tensor(w_up)).sum()
        t_loss = t_loss + (t_w * torch.tensor(w_up)).sum()
    e_loss.backward()
    t_loss.backward()
    for i, (ei, ti) in enumerate(zip(e_in[: len(arrays)], t_in[: len(arrays)])):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"input {i} grad")
    e_params, t_params = dict(e.named_parameters()), dict(t.named_parameters())
    assert list(e_params) == list(t_params)
    for name, p in e_params.items():
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), rtol=rtol, atol=atol, err_msg=f"{name} grad")


_R = np.random.default_rng(7)
_KPM = np.array([[False, False, True, False, True, False], [False, True, False, False, False, False]])
_CAUSAL = np.triu(np.ones((6, 6), dtype=bool), 1)
_DEAD = _CAUSAL.copy()
_DEAD[[1, 4]] = True  # queries 1 and 4 may attend to nothing

MHA_CASES = {
    "seq_first": (dict(embed_dim=8, num_heads=2), [(5, 2, 8), (6, 2, 8), (6, 2, 8)], {}, {}),
    "batch_first": (dict(embed_dim=8, num_heads=4, batch_first=True), [(2, 5, 8), (2, 6, 8), (2, 6, 8)], {}, {}),
    "no_bias": (dict(embed_dim=6, num_heads=3, bias=False), [(4, 3, 6), (4, 3, 6), (4, 3, 6)], {}, {}),
    "one_head": (dict(embed_dim=4, num_heads=1), [(3, 2, 4), (5, 2, 4), (5, 2, 4)], {}, {}),
    "kdim_vdim": (dict(embed_dim=8, num_heads=2, kdim=3, vdim=5), [(5, 2, 8), (6, 2, 3), (6, 2, 5)], {}, {}),
    "unbatched": (dict(embed_dim=8, num_heads=2), [(5, 8), (6, 8), (6, 8)], {}, {}),
    "per_head_weights": (dict(embed_dim=8, num_heads=2), [(5, 2, 8), (6, 2, 8), (6, 2, 8)], {},
                         {"average_attn_weights": False}),
    "no_weights": (dict(embed_dim=8, num_heads=2), [(5, 2, 8), (6, 2, 8), (6, 2, 8)], {}, {"need_weights": False}),
    "key_padding_mask": (dict(embed_dim=8, num_heads=2), [(5, 2, 8), (6, 2, 8), (6, 2, 8)],
                         {"key_padding_mask": _KPM}, {}),
    "float_key_padding_mask": (dict(embed_dim=8, num_heads=2, batch_first=True), [(2, 5, 8), (2, 6, 8), (2, 6, 8)],
                               {"key_padding_mask": _R.standard_normal((2, 6))}, {}),
    "bool_attn_mask": (dict(embed_dim=8, num_heads=2), [(6, 2, 8), (6, 2, 8), (6, 2, 8)], {"attn_mask": _CAUSAL}, {}),
    "causal_hint": (dict(embed_dim=8, num_heads=2, batch_first=True), [(2, 6, 8), (2, 6, 8), (2, 6, 8)],
                    {"attn_mask": _CAUSAL}, {"is_causal": True, "need_weights": False}),
    "float_3d_mask_and_padding": (dict(embed_dim=8, num_heads=2), [(5, 2, 8), (6, 2, 8), (6, 2, 8)],
                                  {"attn_mask": _R.standard_normal((4, 5, 6)), "key_padding_mask": _R.standard_normal((2, 6))}, {}),
    "dead_rows_no_weights": (dict(embed_dim=8, num_heads=2), [(6, 2, 8), (6, 2, 8), (6, 2, 8)],
                             {"attn_mask": _DEAD, "key_padding_mask": _KPM}, {"need_weights": False}),
    "dead_batch_no_weights": (dict(embed_dim=8, num_heads=2, batch_first=True), [(2, 5, 8), (2, 6, 8), (2, 6, 8)],
                              {"key_padding_mask": np.array([[True] * 6, [False, True] * 3])}, {"need_weights": False}),
    "causal_hint_replaces_mask": (dict(embed_dim=8, num_heads=2, add_bias_kv=True), [(6, 2, 8), (6, 2, 8), (6, 2, 8)],
                                  {"attn_mask": np.zeros((6, 6), dtype=bool)}, {"is_causal": True, "need_weights": False}),
    "causal_hint_with_padding": (dict(embed_dim=8, num_heads=2), [(6, 2, 8), (6, 2, 8), (6, 2, 8)],
                                 {"attn_mask": np.zeros((6, 6), dtype=bool), "key_padding_mask": _KPM},
                                 {"is_causal": True, "need_weights": False}),
    "bias_kv": (dict(embed_dim=8, num_heads=2, add_bias_kv=True), [(5, 2, 8), (6, 2, 8), (6, 2, 8)], {}, {}),
    "zero_attn": (dict(embed_dim=8, num_heads=2, add_zero_attn=True, batch_first=True), [(2, 5, 8), (2, 6, 8), (2, 6, 8)],
                  {}, {"average_attn_weights": False}),
    "bias_kv_zero_attn_masks": (dict(embed_dim=8, num_heads=2, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5),
                                [(6, 2, 8), (6, 2, 3), (6, 2, 5)], {"attn_mask": _CAUSAL, "key_padding_mask": _KPM}, {}),
}


@pytest.mark.parametrize("direction", ["torch->ember", "ember->torch"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(MHA_CASES))
def test_multihead_attention_matches_torch(name: str, dtype: str, direction: str) -> None:
    kwargs, shapes, masks, call = MHA_CASES[name]
    masks = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in masks.items()}
    _compare_mha(kwargs, shapes, dtype, direction, masks, call)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_self_attention_matches_torch(dtype: str, batch_first: bool) -> None:
    """query is key is value: the gradient of the one input sums the three paths."""
    _compare_mha(dict(embed_dim=8, num_heads=2, batch_first=batch_first), [(4, 3, 8)], dtype, "torch->ember",
                 self_attention=True)


def test_multihead_attention_state_dict_init_and_repr_equal_torch() -> None:
    e, t = nn.MultiheadAttention(12, 3), torch.nn.MultiheadAttention(12, 3)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    assert repr(e) == repr(t)
    assert np.all(e.in_proj_bias.detach().numpy() == 0) and np.all(e.out_proj.bias.detach().numpy() == 0)
    bound = np.sqrt(6 / (12 + 36))  # xavier_uniform_ on (3E, E)
    w = e.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    for kw in (dict(kdim=3, vdim=5), dict(add_bias_kv=True, bias=False)):
        assert list(nn.MultiheadAttention(8, 2, **kw).state_dict()) == list(torch.nn.MultiheadAttention(8, 2, **kw).state_dict())


def test_multihead_attention_errors() -> None:
    with pytest.raises(AssertionError):
        nn.MultiheadAttention(10, 3)
    x = ember.randn(3, 2, 8)
    with pytest.raises(RuntimeError):
        nn.MultiheadAttention(8, 2)(x, x, x, is_causal=True)


@pytest.mark.parametrize("query_shape, kwargs, error", [
    ((3, 2, 6), {}, AssertionError),
    ((3, 2, 8), {"key_padding_mask": np.zeros((3, 2), dtype=bool)}, AssertionError),
    ((3, 2, 8), {"attn_mask": np.zeros((3, 4), dtype=bool)}, RuntimeError),
    ((3, 2, 8), {"attn_mask": np.zeros((2, 3, 3), dtype=bool)}, RuntimeError),
    ((3, 2, 8), {"attn_mask": np.zeros((1, 1, 3, 3), dtype=bool)}, AssertionError),
])
def test_multihead_attention_shape_errors_like_torch(query_shape: tuple, kwargs: dict, error: type) -> None:
    x = np.zeros(query_shape, dtype="float32")
    for lib in (torch, ember):
        m = lib.nn.MultiheadAttention(8, 2)
        with pytest.raises(error):
            m(lib.tensor(x), lib.tensor(x), lib.tensor(x), **{k: lib.tensor(v) for k, v in kwargs.items()})


def test_multihead_attention_dropout_only_in_training() -> None:
    m = nn.MultiheadAttention(8, 2, dropout=0.9)
    x = ember.randn(3, 2, 8)
    ember.manual_seed(0)
    _, w_train = m(x, x, x)
    m.eval()
    _, w_eval = m(x, x, x)
    np.testing.assert_allclose(w_eval.detach().numpy().sum(-1), 1.0, rtol=1e-5)
    assert not np.allclose(w_train.detach().numpy(), w_eval.detach().numpy())
