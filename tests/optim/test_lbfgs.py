"""LBFGS on the Rosenbrock function (float64), with and without the strong-Wolfe line search:
the iterates, losses and evaluation counts must follow torch's step by step."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import torch

import ember

from .conftest import as_numpy, assert_params_close, initial_arrays, mlp_loss, make_params

START = np.array([-1.5, 2.0, -0.5, 1.2, 0.3, -1.0])


def rosenbrock(x: Any) -> Any:
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def run_rosenbrock(lib: Any, steps: int, start: np.ndarray = START, **kwargs: Any) -> tuple[list[np.ndarray], list[float], Any, Any]:
    x = lib.tensor(start.copy(), requires_grad=True)
    opt = lib.optim.LBFGS([x], **kwargs)

    def closure() -> Any:
        opt.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        return loss

    iterates, losses = [], []
    for _ in range(steps):
        losses.append(opt.step(closure).item())
        iterates.append(as_numpy(x).copy())
    return iterates, losses, opt, x


CONFIGS = [
    dict(),
    dict(line_search_fn="strong_wolfe"),
    dict(line_search_fn="strong_wolfe", history_size=3, max_iter=10),
    dict(lr=0.2, history_size=4),
    dict(lr=0.5, max_iter=7, max_eval=9, line_search_fn="strong_wolfe"),
    dict(tolerance_grad=1e-3, tolerance_change=1e-4, line_search_fn="strong_wolfe"),
]


@pytest.mark.parametrize("kwargs", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_rosenbrock_matches_torch(kwargs: dict) -> None:
    e_iterates, e_losses, e_opt, e_x = run_rosenbrock(ember, 6, **kwargs)
    t_iterates, t_losses, t_opt, t_x = run_rosenbrock(torch, 6, **kwargs)
    for e, t in zip(e_iterates, t_iterates):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=0)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-10, atol=0)
    e_state, t_state = e_opt.state[e_x], t_opt.state[t_x]
    assert (e_state["func_evals"], e_state["n_iter"]) == (t_state["func_evals"], t_state["n_iter"])
    assert len(e_state["old_dirs"]) == len(t_state["old_dirs"])
    assert e_losses[-1] < e_losses[0]


def test_strong_wolfe_reaches_the_minimum() -> None:
    iterates, _, _, _ = run_rosenbrock(ember, 5, start=np.array([-1.5, 2.0]), line_search_fn="strong_wolfe")
    np.testing.assert_allclose(iterates[-1], [1.0, 1.0], atol=1e-5)


def test_several_parameters_on_the_mlp() -> None:
    def run(lib: Any) -> list[Any]:
        arrays = initial_arrays()
        params = make_params(lib, arrays)
        # max_iter 5: the default 20 makes 60 quasi-Newton iterations, which grow the last-bit
        # differences of the dot products (summed in another order than torch's) to 1e-9
        opt = lib.optim.LBFGS(params, line_search_fn="strong_wolfe", history_size=5, max_iter=5)

        def closure() -> Any:
            opt.zero_grad()
            loss = mlp_loss(lib, params, arrays)
            loss.backward()
            return loss

        for _ in range(3):
            opt.step(closure)
        return params

    assert_params_close(run(ember), run(torch))


def test_state_dict_resume_equals_uninterrupted_run() -> None:
    full, _, _, _ = run_rosenbrock(ember, 4, line_search_fn="strong_wolfe", max_iter=5)
    _, _, opt, x = run_rosenbrock(ember, 2, line_search_fn="strong_wolfe", max_iter=5)
    saved = copy.deepcopy(opt.state_dict())
    y = ember.tensor(as_numpy(x).copy(), requires_grad=True)
    resumed = ember.optim.LBFGS([y], line_search_fn="strong_wolfe", max_iter=5)
    resumed.load_state_dict(saved)

    def closure() -> Any:
        resumed.zero_grad()
        loss = rosenbrock(y)
        loss.backward()
        return loss

    resumed.step(closure)
    resumed.step(closure)
    np.testing.assert_array_equal(as_numpy(y), full[-1])
    assert set(saved["state"][0]) == {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                                      "prev_flat_grad", "prev_loss", "al"}


def test_errors_as_torch() -> None:
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        ember.optim.LBFGS([{"params": [x]}, {"params": [ember.tensor([1.0], requires_grad=True)]}])
    opt = ember.optim.LBFGS([x], line_search_fn="backtracking")

    def closure() -> Any:
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        ember.optim.LBFGS([x], lr=-1)


def test_converged_start_returns_at_once() -> None:
    x = ember.tensor([1.0, 1.0], dtype=ember.float64, requires_grad=True)
    opt = ember.optim.LBFGS([x])
    calls = []

    def closure() -> Any:
        calls.append(1)
        opt.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        return loss

    assert float(opt.step(closure)) == 0.0
    assert len(calls) == 1
    np.testing.assert_array_equal(as_numpy(x), [1.0, 1.0])


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_scaled_add_rounds_once_as_torch(dtype: torch.dtype) -> None:
    """LBFGS's `x + alpha * y` is torch's `x.add_(y, alpha=alpha)`, a fused multiply-add: bit
    for bit equal, where the product rounded before the sum differs in about a third of cases."""
    from ember.optim.lbfgs import _add_scaled

    generator = torch.Generator().manual_seed(0)
    x, y = torch.randn(2, 1000, dtype=dtype, generator=generator)
    alpha = float(torch.rand(1, generator=generator)) - 0.5
    expected = x.clone().add_(y, alpha=alpha).numpy()
    np.testing.assert_array_equal(_add_scaled(x.numpy(), alpha, y.numpy()), expected)
    if dtype is torch.float64:
        assert (x.numpy() + alpha * y.numpy() != expected).any()
