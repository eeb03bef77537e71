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
    "float_mask": dict(q=(2, 3, 5, 4), k=(2, 3, 6, 4), v=(2, 3, 6, 4), mask="float", mask_shape=(3, 5, 6)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(SDPA_CASES))
def test_sdpa_matches_torch(name: str, dtype: str) -> None:
    case = SDPA_CASES[name]
    rtol, atol = TOLERANCE[dtype]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(case[n]).astype(dtype) for n in "qkv"]
    kwargs_e: dict = {"is_causal": case.get("is_causal", False), "scale": case.get("scale")}
    kwargs_t = dict(kwargs_e)
    if case.get("mask") == "bool":
        m = _random_mask(rng, case["mask_shape"])
        kwargs_e["attn_mask"], kwargs_t["attn_mask"] = ember.tensor(m), torch.tensor(m)
    elif case.get("mask") == "float":
        m = rng.standard_normal(case["mask_shape"]).astype(dtype)
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
