"""Helpers for layer tests: build the same layer in ember and torch, give both the same
weights (either direction), run the same inputs and compare the output, the input gradients
and every parameter gradient, by name."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np
import torch

import ember
from tolerances import REDUCTION, TOLERANCES
from torch_db.convert import tensors_in

# layers sum (matmul, conv, normalization) or call libm: the contract's "reduction" class
TOLERANCE = TOLERANCES[REDUCTION]


def torch_state(module: ember.nn.Module) -> dict[str, torch.Tensor]:
    """An ember module's state_dict as torch tensors (copies)."""
    return {k: torch.from_numpy(v.numpy().copy()) for k, v in module.state_dict().items()}


def share_weights(e: ember.nn.Module, t: torch.nn.Module, direction: str) -> None:
    """Give both modules one set of weights: torch's loaded into ember (`"torch->ember"`, torch
    tensors passed as they are) or ember's loaded into torch (`"ember->torch"`)."""
    if direction == "torch->ember":
        result = e.load_state_dict(t.state_dict())
    else:
        result = t.load_state_dict(torch_state(e))
    assert not result.missing_keys and not result.unexpected_keys


def compare_layer(
    e: ember.nn.Module,
    t: torch.nn.Module,
    shapes: Sequence[tuple[int, ...]],
    dtype: str,
    direction: str = "torch->ember",
    seed: int = 0,
    low: float = -2.0,
    high: float = 2.0,
    prepare: Callable[[np.ndarray], np.ndarray] = lambda a: a,
    tolerance: Optional[tuple[float, float]] = None,
) -> None:
    """Same weights and inputs into both; compare output, input grads and parameter grads.

    The loss is sum(output * R) with a fixed random R, so every output element sends back a
    different gradient (a plain sum would hide a transposed or mis-summed backward).
    `tolerance` (rtol, atol) replaces the contract's TOLERANCE[dtype] where a caller says why."""
    rtol, atol = tolerance or TOLERANCE[dtype]
    t.to(getattr(torch, dtype))
    e.to(getattr(ember, dtype))
    share_weights(e, t, direction)
    rng = np.random.default_rng(seed)
    arrays = [prepare(rng.uniform(low, high, s).astype(dtype)) for s in shapes]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_out, t_out = e(*e_in), t(*t_in)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert e_out.dtype.name == dtype and t_out.dtype == getattr(torch, dtype)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol, err_msg="output")
    upstream = rng.standard_normal(tuple(t_out.shape)).astype(dtype)
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        np.testing.assert_allclose(ei.grad.numpy(), ti.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"input {i} grad")
    t_params = dict(t.named_parameters())
    e_params = dict(e.named_parameters())
    assert list(e_params) == list(t_params)
    for name, p in e_params.items():
        assert p.grad is not None, f"{name}: no gradient"
        assert p.grad.dtype.name == dtype
        np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), rtol=rtol, atol=atol, err_msg=f"{name} grad")


def same_repr(e: Any, t: Any) -> None:
    assert repr(e) == repr(t)


def count_nodes(root: Any) -> dict[str, int]:
    """How many nodes of each name the backward graph from `root` holds (each node once)."""
    counts: dict[str, int] = {}
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        counts[node.name()] = counts.get(node.name(), 0) + 1
        stack.extend(n for n, _ in node.next_functions)
    return counts


def grad_leaves(value: Any) -> list:
    """The tensors requiring grad in a (nested) container, in order."""
    return [t for t in tensors_in(value) if t.requires_grad]


def assert_same_error(call: Callable[[Any], Any], ember_spelling: Callable[[str], str] = lambda s: s) -> None:
    """`call(torch)` raises; `call(ember)` must raise the same type with the same message
    (`ember_spelling` maps torch's message where ember names a type its own way)."""
    import pytest

    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(theirs.type) as ours:
        call(ember)
    assert str(ours.value) == ember_spelling(str(theirs.value))
