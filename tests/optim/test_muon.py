"""Muon against torch.optim.Muon: the bfloat16 Newton–Schulz orthogonalisation bit for bit, the
trajectories of tall, wide and square matrices for every option, and torch's errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch.optim._muon import _zeropower_via_newtonschulz

import ember
from ember.optim.muon import _bfloat16, zeropower_via_newtonschulz

COEFFICIENTS = (3.4445, -4.7750, 2.0315)


def test_bfloat16_rounding_is_torch_conversion() -> None:
    """Round to nearest even, through float32 as torch converts a double; ties, subnormals, inf."""
    values = np.concatenate([np.random.default_rng(0).normal(0, 10, 10000),
                             [1 + 2**-8, 1 + 3 * 2**-8, 1e-40, -1e-39, np.inf, -np.inf, 3.4e38, 0.0, -0.0]])
    expected = torch.tensor(values).bfloat16().float().numpy()
    np.testing.assert_array_equal(_bfloat16(values), expected)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (5, 5), (8, 2)])
@pytest.mark.parametrize("steps", [1, 5, 6])
def test_newton_schulz_matches_torch_bit_for_bit(shape: tuple[int, int], steps: int) -> None:
    grad = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(steps))
    expected = _zeropower_via_newtonschulz(grad, COEFFICIENTS, steps, 1e-7).float().numpy()
    np.testing.assert_array_equal(zeropower_via_newtonschulz(grad.numpy(), COEFFICIENTS, steps, 1e-7), expected)


CONFIGS = [
    {}, {"lr": 0.02}, {"nesterov": False}, {"momentum": 0.5, "weight_decay": 0.0},
    {"adjust_lr_fn": "match_rms_adamw"}, {"adjust_lr_fn": "original", "ns_steps": 3},
    {"ns_coefficients": (3.4, -4.7, 2.0)},
]


def _run(lib: Any, start: list[np.ndarray], kwargs: dict, steps: int = 6) -> list[np.ndarray]:
    params = [lib.tensor(a.copy(), requires_grad=True) for a in start]
    opt = lib.optim.Muon(params, **kwargs)
    x = lib.tensor(np.linspace(-1, 1, 5 * params[0].shape[0]).reshape(5, -1))
    for _ in range(steps):
        opt.zero_grad()
        out = x @ params[0]
        for p in params[1:]:
            out = out @ p
        (out.tanh() ** 2).sum().backward()
        opt.step()
    return [p.detach().numpy().copy() for p in params]


@pytest.mark.parametrize("kwargs", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_trajectory_matches_torch(kwargs: dict) -> None:
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(4, 6)), rng.normal(size=(6, 3)), rng.normal(size=(3, 3))]
    for e, t in zip(_run(ember, start, kwargs), _run(torch, start, kwargs)):
        np.testing.assert_allclose(e, t, rtol=1e-12, atol=0)


def test_float32_update_is_torchs_bit_for_bit() -> None:
    """The update p - lr' O is one fused multiply-add in float32, with lr' rounded to float32."""
    rng = np.random.default_rng(2)
    start, grads = rng.normal(size=(6, 4)).astype(np.float32) * 3, rng.normal(size=(5, 6, 4)).astype(np.float32)
    params = [lib.tensor(start.copy(), requires_grad=True) for lib in (ember, torch)]
    optimizers = [lib.optim.Muon([p], lr=0.37) for lib, p in zip((ember, torch), params)]
    for g in grads:
        for lib, p, opt in zip((ember, torch), params, optimizers):
            p.grad = lib.tensor(g.copy())
            opt.step()
        np.testing.assert_array_equal(params[0].detach().numpy(), params[1].detach().numpy())


def test_tensor_lr_is_used_in_its_dtype() -> None:
    """torch keeps a tensor lr a 0-d tensor: (1 - lr * weight_decay) is computed in float32."""
    start = [np.random.default_rng(1).normal(size=(4, 3))]
    expected = _run(torch, start, {"lr": torch.tensor(0.001)})
    actual = _run(ember, start, {"lr": ember.tensor(0.001)})
    np.testing.assert_allclose(actual[0], expected[0], rtol=1e-12, atol=0)


def test_state_and_param_groups_match_torch() -> None:
    w = ember.zeros(2, 3, requires_grad=True)
    opt = ember.optim.Muon([w])
    w.grad = ember.ones(2, 3)
    opt.step()
    reference = torch.optim.Muon([torch.zeros(2, 3, requires_grad=True)])
    assert list(opt.state_dict()["param_groups"][0]) == list(reference.state_dict()["param_groups"][0])
    assert list(opt.state[w]) == ["momentum_buffer"]


@pytest.mark.parametrize("make, message", [
    (lambda lib: lib.optim.Muon([lib.zeros(2, 3, 4, requires_grad=True)]), "Muon only supports 2D parameters"),
    (lambda lib: lib.optim.Muon([lib.zeros(2, 3, requires_grad=True)], adjust_lr_fn="x"), "Adjust learning rate function x"),
    (lambda lib: lib.optim.Muon([lib.zeros(2, 3, requires_grad=True)], lr=-1.0), "Learning rate|learning rate"),
    (lambda lib: lib.optim.Muon([lib.zeros(2, 3, requires_grad=True)], momentum=-1.0), "momentum should be >= 0"),
    (lambda lib: lib.optim.Muon([lib.zeros(2, 3, requires_grad=True)], weight_decay=-1.0), "weight decay should be"),
])
def test_errors_match_torch(make: Any, message: str) -> None:
    for lib in (torch, ember):
        with pytest.raises(ValueError, match=message):
            make(lib)


def test_newton_schulz_refuses_what_torch_refuses() -> None:
    with pytest.raises(ValueError, match="less than 100"):
        zeropower_via_newtonschulz(np.ones((2, 2)), COEFFICIENTS, 100, 1e-7)
    with pytest.raises(ValueError, match="2D matrix"):
        zeropower_via_newtonschulz(np.ones(3), COEFFICIENTS, 5, 1e-7)
    with pytest.raises(ValueError, match="exactly 3 values"):
        zeropower_via_newtonschulz(np.ones((2, 2)), (1.0, 2.0), 5, 1e-7)
