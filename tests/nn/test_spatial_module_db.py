"""torch's own ModuleInfos (`module_db`) for the spatial layers run through ember: every float64
module input builds the layer in both libraries (torch's state_dict loaded into ember), and the
outputs, the input gradients and every parameter gradient are compared, in training and eval."""

from __future__ import annotations


import numpy as np
import pytest
import torch
from torch.testing._internal.common_modules import module_db

import ember
import ember.nn as nn
from tolerances import REDUCTION, TOLERANCES
from torch_db.convert import to_ember

RTOL, ATOL = TOLERANCES[REDUCTION]["float64"]

NAMES = {
    "Conv3d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "LPPool1d",
    "LPPool2d", "LPPool3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm", "RMSNorm",
}
INFOS = [info for info in module_db if info.module_cls.__name__ in NAMES]


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("info", INFOS, ids=[f"{i.module_cls.__name__}.{i.name}" for i in INFOS])
def test_module_inputs_match_torch(info, training):
    cls = info.module_cls
    inputs = info.module_inputs_func(info, device="cpu", dtype=torch.float64, requires_grad=True, training=training)
    assert inputs
    for k, sample in enumerate(inputs):
        if sample.forward_input is None:
            continue
        c_args, c_kwargs = sample.constructor_input.args, dict(sample.constructor_input.kwargs)
        t_module = cls(*c_args, **c_kwargs).to(torch.float64).train(training)
        e_module = getattr(nn, cls.__name__)(*to_ember(c_args), **to_ember(c_kwargs)).to(ember.float64).train(training)
        e_module.load_state_dict(t_module.state_dict())
        f_args, f_kwargs = sample.forward_input.args, sample.forward_input.kwargs
        t_out = t_module(*f_args, **f_kwargs)
        e_args, e_kwargs = to_ember(f_args), to_ember(f_kwargs)
        e_out = e_module(*e_args, **e_kwargs)
        t_outs, e_outs = (list(t_out), list(e_out)) if isinstance(t_out, tuple) else ([t_out], [e_out])
        for e, t in zip(e_outs, t_outs):
            assert tuple(e.shape) == tuple(t.shape), f"input {k}"
            np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=f"input {k}")
        for name, buffer in t_module.named_buffers():
            np.testing.assert_allclose(dict(e_module.named_buffers())[name].numpy(), buffer.numpy(), rtol=RTOL, atol=ATOL)
        t_leaves = [a for a in f_args if isinstance(a, torch.Tensor) and a.requires_grad] + list(t_module.parameters())
        e_leaves = [a for a in e_args if isinstance(a, ember.Tensor) and a.requires_grad] + list(e_module.parameters())
        if not t_outs[0].requires_grad or not t_leaves:
            continue
        upstream = np.random.default_rng(k).standard_normal(tuple(t_outs[0].shape))
        t_grads = torch.autograd.grad(t_outs[0], t_leaves, torch.tensor(upstream), allow_unused=True)
        e_grads = ember.autograd.grad(e_outs[0], e_leaves, ember.tensor(upstream), allow_unused=True)
        for eg, tg in zip(e_grads, t_grads):
            if tg is not None:
                np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=RTOL, atol=ATOL, err_msg=f"input {k} gradient")
