"""torch's own OpInfo samples (`op_db`) for the spatial functionals run through ember: every
float64 sample's output and the gradient of every differentiable input, against torch's."""

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

RTOL, ATOL = TOLERANCES[REDUCTION]["float64"]

NAMES = [
    "nn.functional.conv3d", "nn.functional.conv_transpose3d", "nn.functional.max_pool3d", "nn.functional.avg_pool3d",
    "nn.functional.adaptive_avg_pool3d", "nn.functional.adaptive_max_pool3d", "nn.functional.max_unpool1d",
    "nn.functional.max_unpool2d", "nn.functional.max_unpool3d", "nn.functional.instance_norm",
    "nn.functional.rms_norm", "nn.functional.local_response_norm", "nn.functional.unfold",
    "nn.functional.pixel_shuffle", "nn.functional.pixel_unshuffle", "nn.functional.channel_shuffle",
    "nn.functional.embedding_bag", "nn.functional.interpolate",
]
OPS = [op for op in op_db if op.name in NAMES]


def _tensors(value: Any) -> list:
    if isinstance(value, (torch.Tensor, ember.Tensor)):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def _outputs(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("op", OPS, ids=[f"{op.name}.{op.variant_test_name}" for op in OPS])
def test_opinfo_samples_match_torch(op):
    fn = getattr(F, op.name.split(".")[-1])
    samples = list(op.sample_inputs("cpu", torch.float64, requires_grad=op.supports_autograd))
    assert samples
    for i, sample in enumerate(samples):
        args = [sample.input, *sample.args]
        e_args, e_kwargs = to_ember(args), to_ember(sample.kwargs)
        t_out = _outputs(op.op(*args, **sample.kwargs))
        e_out = _outputs(fn(*e_args, **e_kwargs))
        assert len(e_out) == len(t_out)
        for e, t in zip(e_out, t_out):
            assert tuple(e.shape) == tuple(t.shape), f"sample {i}: {sample}"
            np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=f"sample {i}: {sample}")
        t_in = [t for t in _tensors([args, list(sample.kwargs.values())]) if t.requires_grad]
        e_in = [t for t in _tensors([e_args, list(e_kwargs.values())]) if t.requires_grad]
        differentiable = [(e, t) for e, t in zip(e_out, t_out) if t.requires_grad]
        if not t_in or not differentiable:
            continue
        rng = np.random.default_rng(i)
        upstream = [rng.standard_normal(tuple(t.shape)) for _, t in differentiable]
        t_grads = torch.autograd.grad([t for _, t in differentiable], t_in, [torch.tensor(u) for u in upstream], allow_unused=True)
        e_grads = ember.autograd.grad([e for e, _ in differentiable], e_in, [ember.tensor(u) for u in upstream], allow_unused=True)
        for k, (eg, tg) in enumerate(zip(e_grads, t_grads)):
            if tg is None:
                assert eg is None or not np.any(eg.numpy())
                continue
            np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=RTOL, atol=ATOL, err_msg=f"sample {i} input {k}: {sample}")
