"""Helpers that run the same inputs through ember and torch and compare everything observable:
shapes, dtypes, values, whether a graph was recorded, and the gradient of a weighted sum.

`compare_with_torch` is the workhorse (tinygrad's helper_test_op); `assert_same_raise` checks
both libraries refuse the same call with the same exception type.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np
import pytest
import torch

import ember
from tolerances import EXACT, TOLERANCES

# the contract (tests/tolerances.py); TOLERANCE[dtype] is its strict, "exact" class
TOLERANCE = TOLERANCES[EXACT]


def dtype_name(d: Any) -> str:
    """'float32' for ember.float32 and torch.float32 alike."""
    return d.name if isinstance(d, ember.dtype) else str(d).removeprefix("torch.")


def ember_dtype(name: str) -> ember.dtype:
    return getattr(ember, "bool" if name == "bool" else name)


def torch_dtype(name: str) -> torch.dtype:
    return getattr(torch, name)


def make_arrays(shapes: Sequence[tuple], dtype: str, ranges: Sequence[tuple], seed: int) -> list[np.ndarray]:
    """Seeded inputs: uniform floats, integers in [lo, hi), or random bools."""
    rng = np.random.default_rng(seed)
    arrays = []
    for shape, (lo, hi) in zip(shapes, ranges):
        if dtype == "bool":
            a = rng.random(shape) < 0.5
        elif dtype.startswith(("int", "uint")):
            a = rng.integers(int(lo), int(hi), size=shape).astype(dtype)
        else:
            a = rng.uniform(lo, hi, size=shape).astype(dtype)
        arrays.append(np.asarray(a))
    return arrays


def outputs_of(result: Any) -> list:
    """The tensors an op returned, in order, nested tuples (values/indices pairs) flattened."""
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in outputs_of(r)]
    return [result]


def assert_tensor_like_torch(e: Any, t: torch.Tensor, rtol: float, atol: float, what: str = "output") -> None:
    assert isinstance(e, ember.Tensor), f"{what}: expected an ember.Tensor, got {type(e).__name__}"
    assert tuple(e.shape) == tuple(t.shape), f"{what}: shape {tuple(e.shape)} != torch {tuple(t.shape)}"
    assert dtype_name(e.dtype) == dtype_name(t.dtype), f"{what}: dtype {e.dtype} != torch {t.dtype}"
    assert e.requires_grad == t.requires_grad, f"{what}: requires_grad {e.requires_grad} != torch {t.requires_grad}"
    ev, tv = e.detach().numpy(), t.detach().numpy()
    if ev.dtype.kind in "biu":
        np.testing.assert_array_equal(ev, tv, err_msg=what)
    else:
        np.testing.assert_allclose(ev, tv, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def _value_of(x: Any) -> np.ndarray:
    return np.zeros(0) if x is None else x.detach().numpy()


def compare_with_torch(
    ember_fn: Callable[..., Any],
    torch_fn: Callable[..., Any],
    arrays: Sequence[np.ndarray],
    rtol: float,
    atol: float,
    grad: bool = True,
) -> None:
    """Run `ember_fn(ember, *tensors)` and `torch_fn(torch, *tensors)` on copies of `arrays` and
    compare the outputs and, when `grad`, the gradient of sum(output * R) over the float outputs
    with respect to every float input, R fixed random weights, so every output element sends back
    a different gradient (a plain sum hides a mis-summed backward, and softmax's is zero). Also
    checks that no input was modified and that no gradient shares memory with an input or
    another gradient."""
    floats = [grad and a.dtype.kind == "f" for a in arrays]
    e_in = [ember.tensor(a, requires_grad=f) for a, f in zip(arrays, floats)]
    t_in = [torch.tensor(a, requires_grad=f) for a, f in zip(arrays, floats)]
    e_out, t_out = ember_fn(ember, *e_in), torch_fn(torch, *t_in)

    for field in ("values", "indices"):
        if isinstance(t_out, tuple) and hasattr(t_out, field):
            assert_tensor_like_torch(getattr(e_out, field), getattr(t_out, field), rtol, atol, f"output.{field}")
    es, ts = outputs_of(e_out), outputs_of(t_out)
    assert len(es) == len(ts), f"{len(es)} outputs, torch gives {len(ts)}"
    for i, (e, t) in enumerate(zip(es, ts)):
        assert_tensor_like_torch(e, t, rtol, atol, f"output {i}")
    for i, (e, a) in enumerate(zip(e_in, arrays)):
        np.testing.assert_array_equal(e.detach().numpy(), a, err_msg=f"input {i} was modified")

    if not any(floats):
        return
    t_diff = [t for t in ts if t.requires_grad]
    if not t_diff:
        return
    e_diff = [e for e in es if e.requires_grad]
    wrt_e = [e for e, f in zip(e_in, floats) if f]
    wrt_t = [t for t, f in zip(t_in, floats) if f]
    weights = _upstream([t.detach().numpy() for t in t_diff])
    t_grads = torch.autograd.grad(sum((t * torch.tensor(w)).sum() for t, w in zip(t_diff, weights)), wrt_t,
                                  allow_unused=True)
    e_loss = sum((e * ember.tensor(w)).sum() for e, w in zip(e_diff, weights))
    e_grads = ember.autograd.grad(e_loss, wrt_e, allow_unused=True, retain_graph=True)
    assert len(e_grads) == len(t_grads)
    for i, (eg, tg, x) in enumerate(zip(e_grads, t_grads, wrt_e)):
        if tg is None:
            tg = torch.zeros(x.shape, dtype=torch_dtype(x.dtype.name))
        if eg is None:
            eg = ember.zeros_like(x)
        assert not eg.requires_grad, f"gradient {i} requires grad without create_graph"
        assert_tensor_like_torch(eg, tg, rtol, atol, f"gradient {i}")
    _check_backward_agrees(e_loss, wrt_e, e_grads)


def _upstream(outputs: list[np.ndarray]) -> list[np.ndarray]:
    """Seeded standard-normal weights, one array per output, of its shape and dtype."""
    rng = np.random.default_rng(0)
    return [rng.standard_normal(o.shape).astype(o.dtype) for o in outputs]


def _check_backward_agrees(loss: Any, leaves: list, grads: tuple) -> None:
    """`loss.backward()` fills each leaf's `.grad` with what autograd.grad returned, and no `.grad`
    shares memory with an input or with another `.grad` (MyGrad's aliasing check)."""
    loss.backward()
    filled = []
    for i, (x, g) in enumerate(zip(leaves, grads)):
        if g is None:
            assert x.grad is None or not x.grad.numpy().any(), f"input {i}: .grad set where autograd.grad gave None"
            continue
        np.testing.assert_array_equal(x.grad.numpy(), g.numpy(), err_msg=f"input {i}: .grad != autograd.grad")
        for y in leaves:
            assert not np.shares_memory(x.grad.numpy(), y.detach().numpy()), f"input {i}: .grad shares memory with an input"
        for j, other in filled:
            assert not np.shares_memory(x.grad.numpy(), other), f"inputs {j} and {i}: .grad arrays share memory"
        filled.append((i, x.grad.numpy()))


def assert_same_raise(ember_call: Callable[[], Any], torch_call: Callable[[], Any], match: Optional[str] = None) -> None:
    """Both calls raise, with the same exception type; ember's message matches `match`."""
    with pytest.raises(Exception) as t_err:
        torch_call()
    with pytest.raises(Exception) as e_err:
        ember_call()
    assert isinstance(e_err.value, type(t_err.value)), (
        f"ember raised {type(e_err.value).__name__}: {e_err.value}; torch raised {type(t_err.value).__name__}"
    )
    if match is not None:
        assert match in str(e_err.value), f"{match!r} not in {str(e_err.value)!r}"
