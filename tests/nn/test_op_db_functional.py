"""torch's own OpInfo samples (`op_db`) for the activations and losses of `ember.nn.functional`:
every sample's output and the gradients of its tensor inputs (float64 at the contract's rounded
tolerance, float32 too), and every error input raises torch's exception type."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import ember
import ember.nn.functional as F
from tolerances import REDUCTION, TOLERANCES

from torch_db.convert import to_ember

from .conftest import grad_leaves

NAMES = (
    "hardswish hardsigmoid glu softsign tanhshrink softshrink hardshrink threshold logsigmoid softmin prelu rrelu celu "
    "relu6 silu mish normalize one_hot multi_margin_loss multilabel_margin_loss soft_margin_loss "
    "multilabel_soft_margin_loss poisson_nll_loss gaussian_nll_loss hinge_embedding_loss "
    "triplet_margin_with_distance_loss triplet_margin_loss nll_loss cross_entropy kl_div huber_loss smooth_l1_loss "
    "l1_loss mse_loss binary_cross_entropy binary_cross_entropy_with_logits"
).split()
OPS = [op for op in op_db if op.name.removeprefix("nn.functional.") in NAMES and op.variant_test_name != "complex"]


# x / ||x|| along a dim of size 1 is sign(x): its gradient is 0 in exact arithmetic, and both
# libraries return float32 rounding noise of a few 1e-6 there
ATOL = {("nn.functional.normalize", "float32"): 1e-5}


def _random(sample: Any) -> bool:
    return sample.kwargs.get("training", False) is True


def _ember_fn(op: Any) -> Any:
    return getattr(F, op.name.removeprefix("nn.functional."))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name + (f".{op.variant_test_name}" if op.variant_test_name else ""))
def test_op_db_samples(op: Any, dtype: str) -> None:
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    atol = ATOL.get((op.name, dtype), atol)
    torch_dtype = getattr(torch, dtype)
    if torch_dtype not in op.supported_dtypes("cpu"):
        torch_dtype = torch.int64
    grad = op.supports_autograd and torch_dtype.is_floating_point
    rng = np.random.default_rng(0)
    for sample in op.sample_inputs("cpu", torch_dtype, requires_grad=grad):
        args = (sample.input, *sample.args)
        e_args, e_kwargs = to_ember(args), to_ember(sample.kwargs)
        with np.errstate(all="ignore"):
            e_out = _ember_fn(op)(*e_args, **e_kwargs)
        t_out = op.op(*args, **sample.kwargs)
        assert tuple(e_out.shape) == tuple(t_out.shape), sample
        assert e_out.dtype.name == str(t_out.dtype).removeprefix("torch."), sample
        if _random(sample):
            continue
        np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol, err_msg=str(sample))
        if not (grad and t_out.requires_grad):
            continue
        t_leaves, e_leaves = grad_leaves((args, sample.kwargs)), grad_leaves((e_args, e_kwargs))
        upstream = rng.standard_normal(tuple(t_out.shape))
        t_grads = torch.autograd.grad((t_out * torch.tensor(upstream, dtype=t_out.dtype)).sum(), t_leaves, allow_unused=True)
        e_grads = ember.autograd.grad((e_out * ember.tensor(upstream, dtype=e_out.dtype)).sum(), e_leaves, allow_unused=True)
        for i, (tg, eg) in enumerate(zip(t_grads, e_grads)):
            if tg is None:
                assert eg is None or not eg.numpy().any()
            else:
                np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=rtol, atol=atol, err_msg=f"grad {i} {sample}")


ERROR_OPS = [op for op in OPS if op.error_inputs_func is not None]


@pytest.mark.parametrize("op", ERROR_OPS, ids=lambda op: op.name)
def test_op_db_error_inputs(op: Any) -> None:
    for error in op.error_inputs("cpu"):
        sample = error.sample_input
        with pytest.raises(error.error_type):
            _ember_fn(op)(*to_ember((sample.input, *sample.args)), **to_ember(sample.kwargs))
