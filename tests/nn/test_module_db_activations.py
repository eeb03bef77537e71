"""torch's own ModuleInfo samples (`module_db`) for the activations and losses of
`nn/modules/{shrink,rectifier,margin_loss,likelihood_loss}.py`: each sample builds the torch
module and ember's from the same constructor arguments, loads torch's state_dict into ember, and
compares the output, the gradient of every input that requires one and of every parameter, in
train and eval mode, in float64 and float32."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch.testing._internal.common_modules import module_db

import ember
import ember.nn as nn
from tolerances import REDUCTION, TOLERANCES

from torch_db.convert import to_ember

from .conftest import grad_leaves

NAMES = [
    "CELU", "GLU", "Hardshrink", "Hardswish", "LogSigmoid", "PReLU", "Softmax2d", "Softmin", "Softshrink",
    "Softsign", "Tanhshrink", "Threshold",
    "MultiMarginLoss", "MultiLabelMarginLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss", "PoissonNLLLoss",
    "GaussianNLLLoss", "HingeEmbeddingLoss",
]
INFOS = [info for info in module_db if info.name.removeprefix("nn.") in NAMES]


def test_every_name_has_module_info() -> None:
    assert sorted(info.name.removeprefix("nn.") for info in INFOS) == sorted(NAMES)


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("info", INFOS, ids=lambda info: info.name)
def test_module_db_samples(info: Any, dtype: str, training: bool) -> None:
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    samples = info.module_inputs_func(info, device="cpu", dtype=getattr(torch, dtype), requires_grad=True, training=training)
    assert samples
    rng = np.random.default_rng(0)
    for sample in samples:
        if sample.forward_input is None:
            continue
        ctor, fwd = sample.constructor_input, sample.forward_input
        t_mod = info.module_cls(*ctor.args, **ctor.kwargs).to(getattr(torch, dtype)).train(training)
        e_mod = getattr(nn, info.module_cls.__name__)(*to_ember(ctor.args), **to_ember(ctor.kwargs))
        e_mod.to(getattr(ember, dtype)).train(training)
        assert repr(e_mod) == repr(t_mod)
        e_mod.load_state_dict(t_mod.state_dict())
        e_args, e_kwargs = to_ember(fwd.args), to_ember(fwd.kwargs)
        t_out = t_mod(*fwd.args, **fwd.kwargs)
        e_out = e_mod(*e_args, **e_kwargs)
        assert tuple(e_out.shape) == tuple(t_out.shape)
        assert e_out.dtype.name == str(t_out.dtype).removeprefix("torch.")
        np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
        if not t_out.requires_grad:
            continue
        upstream = rng.standard_normal(tuple(t_out.shape))
        t_leaves = grad_leaves((fwd.args, fwd.kwargs)) + list(t_mod.parameters())
        e_leaves = grad_leaves((e_args, e_kwargs)) + list(e_mod.parameters())
        t_grads = torch.autograd.grad((t_out * torch.tensor(upstream, dtype=t_out.dtype)).sum(), t_leaves, allow_unused=True)
        e_grads = ember.autograd.grad((e_out * ember.tensor(upstream, dtype=e_out.dtype)).sum(), e_leaves, allow_unused=True)
        for tg, eg in zip(t_grads, e_grads):
            if tg is None:
                assert eg is None or not eg.numpy().any()
                continue
            np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=rtol, atol=atol)
