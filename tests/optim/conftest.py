"""The shared problem: a 2-layer tanh MLP regression in float64, written with raw tensors so
it runs unchanged in ember and torch, from the same initial weights and data."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np
import torch

import ember

SEED = 0
SHAPES = {"w1": (3, 8), "b1": (8,), "w2": (8, 2), "b2": (2,)}


def initial_arrays(seed: int = SEED) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = {name: rng.normal(0, 0.5, shape) for name, shape in SHAPES.items()}
    arrays["x"] = rng.normal(0, 1, (16, 3))
    arrays["y"] = rng.normal(0, 1, (16, 2))
    return arrays


def make_params(lib: Any, arrays: dict[str, np.ndarray]) -> list[Any]:
    return [lib.tensor(arrays[name].copy(), requires_grad=True) for name in SHAPES]


def mlp_loss(lib: Any, params: list[Any], arrays: dict[str, np.ndarray]) -> Any:
    w1, b1, w2, b2 = params
    x, y = lib.tensor(arrays["x"]), lib.tensor(arrays["y"])
    out = (x @ w1 + b1).tanh() @ w2 + b2
    return ((out - y) ** 2).mean()


def train(lib: Any, make_opt: Callable[[Any, list[Any]], Any], steps: int = 20, arrays: Optional[dict] = None,
          before_step: Optional[Callable[[list[Any]], None]] = None, params: Optional[list] = None,
          opt: Any = None) -> tuple[list[Any], Any, list[float]]:
    """`steps` full-batch steps; returns the parameters, the optimizer and the losses."""
    arrays = arrays if arrays is not None else initial_arrays()
    params = params if params is not None else make_params(lib, arrays)
    opt = opt if opt is not None else make_opt(lib.optim, params)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = mlp_loss(lib, params, arrays)
        loss.backward()
        if before_step is not None:
            with lib.no_grad():
                before_step(params)
        opt.step()
        losses.append(loss.item())
    return params, opt, losses


def as_numpy(t: Any) -> np.ndarray:
    return t.detach().numpy()


def assert_params_close(ember_params: list[Any], torch_params: list[Any], rtol: float = 1e-10) -> None:
    for e, t in zip(ember_params, torch_params):
        np.testing.assert_allclose(as_numpy(e), as_numpy(t), rtol=rtol, atol=0)


def to_ember(value: Any) -> Any:
    """A torch state dict converted to ember: tensors become ember tensors of the same dtype."""
    if isinstance(value, torch.Tensor):
        return ember.tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: to_ember(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_ember(v) for v in value)
    return value
