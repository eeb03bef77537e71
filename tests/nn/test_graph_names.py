"""The backward graph as torch records it where PyTorch's tutorials look (`loss.grad_fn`,
`next_functions`): the losses' fused nodes and F.linear's AddmmBackward0 / MmBackward0 with the
weight behind TBackward0, compared with torch's graph node by node (names and edges)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember


def structure(node: Any) -> Any:
    """(name, children) down to the leaves; torch's accumulator is named in its C++ namespace."""
    if node is None:
        return None
    name = node.name().removeprefix("torch::autograd::")
    return name, tuple(structure(child) for child, _ in node.next_functions)


def _inputs(lib: Any) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    r = lambda *shape: lib.tensor(rng.standard_normal(shape), requires_grad=True)  # noqa: E731
    return {"x": r(4, 3), "w": r(2, 3), "b": r(2), "x3": r(2, 4, 3), "x1": r(3), "p": r(4, 3),
            "t": lib.tensor(rng.uniform(0.1, 0.9, (4, 3))), "y": lib.tensor([0, 2, 1, 1])}


GRAPHS: dict[str, Callable[[Any, dict], Any]] = {
    "linear_2d": lambda F, v: F.linear(v["x"], v["w"], v["b"]),
    "linear_2d_no_bias": lambda F, v: F.linear(v["x"], v["w"]),
    "linear_3d": lambda F, v: F.linear(v["x3"], v["w"], v["b"]),
    "linear_3d_no_bias": lambda F, v: F.linear(v["x3"], v["w"]),
    "linear_1d": lambda F, v: F.linear(v["x1"], v["w"], v["b"]),
    "linear_1d_no_bias": lambda F, v: F.linear(v["x1"], v["w"]),
    "mse": lambda F, v: F.mse_loss(v["x"], v["t"]),
    "mse_none_both_grads": lambda F, v: F.mse_loss(v["x"], v["p"], reduction="none"),
    "mse_broadcast": lambda F, v: F.mse_loss(v["x"], v["b"][:1].expand(4, 3)),
    "l1": lambda F, v: F.l1_loss(v["x"], v["t"]),
    "smooth_l1": lambda F, v: F.smooth_l1_loss(v["x"], v["t"], beta=0.5),
    "huber_sum": lambda F, v: F.huber_loss(v["x"], v["t"], reduction="sum"),
    "nll": lambda F, v: F.nll_loss(v["x"], v["y"]),
    "cross_entropy": lambda F, v: F.cross_entropy(v["x"], v["y"]),
    "bce": lambda F, v: F.binary_cross_entropy(v["x"].sigmoid(), v["t"]),
    "bce_none": lambda F, v: F.binary_cross_entropy(v["x"].sigmoid(), v["t"], reduction="none"),
    "bce_with_logits": lambda F, v: F.binary_cross_entropy_with_logits(v["x"], v["t"]),
    "bce_with_logits_sum": lambda F, v: F.binary_cross_entropy_with_logits(v["x"], v["t"], reduction="sum"),
    "mlp_step": lambda F, v: F.cross_entropy(F.linear(F.linear(v["x"], v["w"], v["b"]).relu(), v["w"][:, :2], v["b"]), v["y"] % 2),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_graph_matches_torch(name: str) -> None:
    theirs = GRAPHS[name](torch.nn.functional, _inputs(torch))
    ours = GRAPHS[name](ember.nn.functional, _inputs(ember))
    assert structure(ours.grad_fn) == structure(theirs.grad_fn)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-13)


def test_linear_transpose_node_is_tensor_t() -> None:
    """F.linear's own 2-D transpose node (no dimension bookkeeping) against Tensor.t(): the same
    view, node name and gradient, and the same version counter (an in-place change of the
    weight after the forward is caught at backward when the input's gradient needs the weight,
    and not otherwise, as in torch)."""
    from ember.ops.linear import WeightT

    w = ember.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    fast, reference = WeightT.apply(w), w.t()
    np.testing.assert_array_equal(fast.detach().numpy(), reference.detach().numpy())
    assert fast.grad_fn.name() == reference.grad_fn.name() == "TBackward0"
    upstream = ember.tensor(np.arange(6.0).reshape(3, 2))
    (g_fast,) = ember.autograd.grad((fast * upstream).sum(), w)
    (g_ref,) = ember.autograd.grad((reference * upstream).sum(), w)
    np.testing.assert_array_equal(g_fast.numpy(), g_ref.numpy())
    for lib, weight in ((torch, torch.tensor(w.detach().numpy(), requires_grad=True)), (ember, w)):
        x = lib.ones(4, 3, dtype=lib.float64, requires_grad=True)
        only_weight = lib.nn.functional.linear(x.detach(), weight)
        both = lib.nn.functional.linear(x, weight)
        with lib.no_grad():
            weight.mul_(2.0)
        only_weight.sum().backward()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            both.sum().backward()
