"""Layer and group norm in float32 far from and near zero mean: as accurate as torch.

The fused forward takes the variance from mean(x^2) - mean^2 when the mean is within about 1.7
standard deviations of zero, and centres first otherwise; the data below straddle that line and
go far past it. Errors are measured against float64 on the same float32-rounded inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import ember

CASES = {
    "layer_norm": (lambda L, x, w, b: L.nn.functional.layer_norm(x, (256,), w, b), (64, 256), 256),
    "group_norm": (lambda L, x, w, b: L.nn.functional.group_norm(x, 8, w, b), (4, 64, 16, 16), 64),
}


def _run(lib: Any, fn: Any, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Output and the gradients of x, w, b for the upstream gradient arrays[3], as float64."""
    x, w, b = (lib.tensor(a, requires_grad=True) for a in arrays[:3])
    fn(lib, x, w, b).backward(lib.tensor(arrays[3]))
    out = fn(lib, x, w, b).detach()
    return [t.numpy().astype(np.float64) for t in (out, x.grad, w.grad, b.grad)]


def _relative_errors(results: list[np.ndarray], reference: list[np.ndarray]) -> np.ndarray:
    return np.array([np.abs(r - e).max() / np.abs(e).max() for r, e in zip(results, reference)])


@pytest.mark.parametrize("offset", [0.0, 1.0, 1.7, 1.8, 3.0, 100.0, 1000.0])
@pytest.mark.parametrize("name", list(CASES))
def test_float32_error_is_torchs(name: str, offset: float) -> None:
    """Output, x, w and b gradients within 4x torch's own float32 error (or 1e-6) of float64,
    for data of standard deviation 1 around `offset`."""
    fn, shape, channels = CASES[name]
    rng = np.random.default_rng(int(offset * 10))
    arrays = [
        (rng.standard_normal(shape) + offset).astype(np.float32),
        rng.standard_normal(channels).astype(np.float32),
        rng.standard_normal(channels).astype(np.float32),
        rng.standard_normal(shape).astype(np.float32),
    ]
    reference = _run(torch, fn, [a.astype(np.float64) for a in arrays])
    ember_error = _relative_errors(_run(ember, fn, arrays), reference)
    torch_error = _relative_errors(_run(torch, fn, arrays), reference)
    assert np.all(ember_error <= np.maximum(4 * torch_error, 1e-6)), (ember_error, torch_error)


@pytest.mark.parametrize("name", list(CASES))
def test_an_in_place_op_on_the_output_leaves_the_gradients_alone(name: str) -> None:
    """Nothing of the output is saved for backward, so relu_ on it is safe, as in torch."""
    fn, shape, channels = CASES[name]
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s) for s in (shape, (channels,), (channels,))]
    grads = []
    for lib in (ember, torch):
        x, w, b = (lib.tensor(a, requires_grad=True) for a in arrays)
        fn(lib, x, w, b).relu_().sum().backward()
        grads.append([t.grad.numpy() for t in (x, w, b)])
    for e, t, what in zip(*grads, "xwb"):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-13, err_msg=what)
