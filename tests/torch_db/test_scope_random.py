"""The harness's per-sample randomness rule and its gradgrad exception hold what they claim."""

import pytest
import torch

from torch_db import scope


@pytest.mark.parametrize(("name", "kwargs", "random"), [
    ("nn.functional.rrelu", {"training": True}, True),
    ("nn.functional.rrelu", {"training": False}, False),
    ("nn.functional.rrelu", {}, False),
    ("nn.functional.scaled_dot_product_attention", {"dropout_p": 0.5}, True),
    ("nn.functional.scaled_dot_product_attention", {"dropout_p": 0.0}, False),
    ("nn.functional.dropout", {}, True),
    ("add", {}, False),
])
def test_sample_shape_only(name, kwargs, random):
    assert scope.sample_shape_only(name, kwargs) is random


_MHA_ARGS = (None, None, 2, 1, None, None, None, None, False)


@pytest.mark.parametrize(("dropout_p", "kwargs", "random"), [
    (0.5, {"training": True}, True), (0.5, {}, True), (0.5, {"training": False}, False),
    (0.0, {"training": True}, False),
])
def test_attention_forward_is_random_when_training_with_dropout(dropout_p, kwargs, random):
    name = "nn.functional.multi_head_attention_forward"
    assert scope.sample_shape_only(name, kwargs, _MHA_ARGS + (dropout_p,)) is random


def test_rrelu_in_training_is_random_and_in_evaluation_is_not():
    x = torch.randn(50, dtype=torch.float64)
    draws = [torch.nn.functional.rrelu(x, training=True) for _ in range(2)]
    assert not torch.equal(*draws)
    assert torch.equal(torch.nn.functional.rrelu(x), torch.nn.functional.rrelu(x))


def test_torch_cannot_differentiate_cpu_attention_twice():
    q = torch.randn(4, 4, 3, 8, dtype=torch.float64, requires_grad=True)  # 4-d: the flash kernel
    out = torch.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True)
    (grad,) = torch.autograd.grad(out, q, torch.randn_like(out), create_graph=True)
    assert "nn.functional.scaled_dot_product_attention" in scope.NO_CPU_GRADGRAD
    with pytest.raises(RuntimeError, match="not implemented"):
        torch.autograd.grad(grad.sum(), q)
