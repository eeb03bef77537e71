"""F.multi_head_attention_forward against torch: outputs, attention weights and the gradients of
every tensor argument in float64 and float32, for packed and separate projection weights,
bias_k/bias_v, add_zero_attn, bool and float masks, key_padding_mask, static keys and values,
the is_causal hint, need_weights both ways, unbatched input; torch's errors; dropout in training
only."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F
from .conftest import assert_same_error
from tolerances import REDUCTION, TOLERANCES

E, H, L, S, N = 4, 2, 3, 5, 2

CASES: dict[str, dict[str, Any]] = {
    "packed": {},
    "separate": {"separate": True},
    "bias_kv_zero_attn": {"bias_kv": True, "add_zero_attn": True, "attn_mask": "bool2d", "key_padding_mask": "bool"},
    "bias_kv_3d": {"bias_kv": (1, 1, E), "attn_mask": "bool3d"},
    "no_in_bias": {"in_bias": False, "key_padding_mask": "float"},
    "per_head_weights": {"average_attn_weights": False, "attn_mask": "bool2d"},
    "no_weights": {"need_weights": False, "attn_mask": "bool3d", "key_padding_mask": "bool"},
    "float_masks": {"attn_mask": "float3d", "key_padding_mask": "float"},
    "causal_hint": {"need_weights": False, "attn_mask": "causal", "is_causal": True, "length": S},
    "causal_hint_weights": {"attn_mask": "causal", "is_causal": True, "length": S},
    "static_kv": {"static": True, "add_zero_attn": True},
    "unbatched": {"batch": None, "attn_mask": "bool3d", "key_padding_mask": "bool"},
    "unbatched_no_weights": {"batch": None, "need_weights": False},
}


def _mask(kind: str, rng: np.random.Generator, length: int, batch: int) -> np.ndarray:
    if kind == "causal":
        return np.triu(np.ones((length, S), bool), 1)
    shape = (length, S) if kind.endswith("2d") else (batch * H, length, S)
    if kind.startswith("bool"):
        mask = rng.random(shape) < 0.3
        mask[..., 0] = False  # every query keeps a key
        return mask
    return rng.standard_normal(shape)


def _arrays(case: str, dtype: str) -> tuple[list, dict]:
    """The positional tensors and keyword arguments of one call, as NumPy arrays."""
    spec = CASES[case]
    rng = np.random.default_rng(sorted(CASES).index(case))
    length, batch = spec.get("length", L), spec.get("batch", N)
    lead = (batch,) if batch else ()
    shape = lambda t: (t, *lead, E)  # noqa: E731
    r = lambda *s: rng.standard_normal(s).astype(dtype)  # noqa: E731
    bias_shape = spec.get("bias_kv") if isinstance(spec.get("bias_kv"), tuple) else (E,)
    args = [r(*shape(length)), r(*shape(S)), r(*shape(S)), E, H,
            None if spec.get("separate") else r(3 * E, E), r(3 * E) if spec.get("in_bias", True) else None,
            r(*bias_shape) if spec.get("bias_kv") else None, r(*bias_shape) if spec.get("bias_kv") else None,
            spec.get("add_zero_attn", False), 0.0, r(E, E), r(E)]
    kwargs: dict[str, Any] = {k: spec[k] for k in ("need_weights", "average_attn_weights", "is_causal") if k in spec}
    if spec.get("separate"):
        kwargs.update(use_separate_proj_weight=True, q_proj_weight=r(E, E), k_proj_weight=r(E, E), v_proj_weight=r(E, E))
    if "attn_mask" in spec:
        mask = _mask(spec["attn_mask"], rng, length, batch or 1)
        kwargs["attn_mask"] = mask if mask.dtype == bool else mask.astype(dtype)
    if "key_padding_mask" in spec:
        padding = rng.random((*lead, S)) < 0.3
        padding[..., 0] = False
        kwargs["key_padding_mask"] = padding if spec["key_padding_mask"] == "bool" else (padding * -2.5).astype(dtype)
    if spec.get("static"):
        kwargs.update(static_k=r(N * H, S, E // H), static_v=r(N * H, S, E // H))
    return args, kwargs


def _call(lib: Any, fn: Callable, args: list, kwargs: dict) -> tuple[Any, list]:
    """fn on lib's tensors (float ones requiring grad); the result and those leaves."""
    leaves = []

    def wrap(a: Any) -> Any:
        if not isinstance(a, np.ndarray):
            return a
        t = lib.tensor(a, requires_grad=a.dtype.kind == "f")
        if a.dtype.kind == "f":
            leaves.append(t)
        return t

    return fn(*[wrap(a) for a in args], **{k: wrap(v) for k, v in kwargs.items()}), leaves


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES)
def test_against_torch(case: str, dtype: str) -> None:
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    args, kwargs = _arrays(case, dtype)
    (e_out, e_w), e_leaves = _call(ember, F.multi_head_attention_forward, args, kwargs)
    (t_out, t_w), t_leaves = _call(torch, TF.multi_head_attention_forward, args, kwargs)
    assert (e_w is None) == (t_w is None)
    outputs = [(e_out, t_out)] + ([(e_w, t_w)] if t_w is not None else [])
    rng = np.random.default_rng(1)
    e_loss, t_loss = 0, 0
    for e, t in outputs:
        assert tuple(e.shape) == tuple(t.shape) and e.dtype.name == dtype
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
        upstream = rng.standard_normal(tuple(t.shape)).astype(dtype)
        e_loss = e_loss + (e * ember.tensor(upstream)).sum()
        t_loss = t_loss + (t * torch.tensor(upstream)).sum()
    e_loss.backward()
    t_loss.backward()
    for i, (e, t) in enumerate(zip(e_leaves, t_leaves)):
        assert (e.grad is None) == (t.grad is None), f"leaf {i}"  # static_k/v leave the key and value unused
        if t.grad is not None:
            # the key bias's gradient is 0 in exact arithmetic (softmax ignores a shift shared by a
            # query's scores): both libraries leave rounding noise of the other entries' size there
            scale = float(np.abs(t.grad.numpy()).max())
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=max(atol, rtol * scale),
                                       err_msg=f"leaf {i}")


def test_dropout_only_in_training() -> None:
    args, kwargs = _arrays("packed", "float64")
    args[10] = 0.9
    (evaluated, _), _ = _call(ember, F.multi_head_attention_forward, args, {**kwargs, "training": False})
    (reference, _), _ = _call(torch, TF.multi_head_attention_forward, args, {**kwargs, "training": False})
    np.testing.assert_allclose(evaluated.detach().numpy(), reference.detach().numpy(), rtol=1e-10)
    ember.manual_seed(0)
    (_, weights), _ = _call(ember, F.multi_head_attention_forward, args, {**kwargs, "average_attn_weights": False})
    dropped = weights.detach().numpy() == 0
    assert dropped.mean() > 0.5  # p = 0.9 zeroes most weights, and scales the rest by 10
    assert (weights.detach().numpy()[~dropped] > 0).all()


def _t(lib: Any, *shape: int, dtype: str = "float32") -> Any:
    return lib.ones(shape, dtype=getattr(lib, dtype))


def _mha(lib: Any, q: tuple = (L, N, E), k: tuple = (S, N, E), v: tuple = (S, N, E), heads: int = H,
         embed: int = E, **kwargs: Any) -> Any:
    packed = kwargs.pop("packed", _t(lib, 3 * E, E))
    bias_k, bias_v = kwargs.pop("bias_k", None), kwargs.pop("bias_v", None)
    return lib.nn.functional.multi_head_attention_forward(
        _t(lib, *q), _t(lib, *k), _t(lib, *v), embed, heads, packed, _t(lib, 3 * E), bias_k, bias_v, False, 0.0,
        _t(lib, E, E), _t(lib, E), **kwargs)


ERRORS: list[Callable[[Any], Any]] = [
    lambda lib: _mha(lib, q=(L, N, E, 1)),
    lambda lib: _mha(lib, k=(S, E)),
    lambda lib: _mha(lib, key_padding_mask=_t(lib, N, S, 1)),
    lambda lib: _mha(lib, attn_mask=_t(lib, 1, 1, L, S)),
    lambda lib: _mha(lib, q=(L, E), k=(S, E), v=(S, E), attn_mask=_t(lib, 3, L, S)),
    lambda lib: _mha(lib, attn_mask=_t(lib, L, S, dtype="int64")),
    lambda lib: _mha(lib, is_causal=True),
    lambda lib: _mha(lib, embed=6),
    lambda lib: _mha(lib, heads=3),
    lambda lib: _mha(lib, v=(S + 1, N, E)),
    lambda lib: _mha(lib, packed=None),
    lambda lib: _mha(lib, use_separate_proj_weight=True, q_proj_weight=_t(lib, E, E)),
    lambda lib: _mha(lib, attn_mask=_t(lib, L, S + 1)),
    lambda lib: _mha(lib, attn_mask=_t(lib, N, L, S)),
    lambda lib: _mha(lib, bias_k=_t(lib, E)),
    lambda lib: _mha(lib, bias_k=_t(lib, E), bias_v=_t(lib, E), static_k=_t(lib, N * H, S, E // H)),
    lambda lib: _mha(lib, static_k=_t(lib, N, S, E // H)),
    lambda lib: _mha(lib, static_v=_t(lib, N * H, S, E)),
    lambda lib: _mha(lib, key_padding_mask=_t(lib, N + 1, S, dtype="bool")),
    lambda lib: _mha(lib, key_padding_mask=_t(lib, N, S + 1, dtype="bool")),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Callable[[Any], Any]) -> None:
    assert_same_error(call, lambda s: s.replace("torch.Size", "ember.Size"))


def test_mismatched_mask_dtypes_warn_as_torch() -> None:
    masks = lambda lib: {"attn_mask": _t(lib, L, S), "key_padding_mask": lib.zeros(N, S, dtype=lib.bool)}  # noqa: E731
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        _mha(torch, **masks(torch))
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        _mha(ember, **masks(ember))
