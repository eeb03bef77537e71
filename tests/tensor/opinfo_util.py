"""Runs torch's own OpInfo samples (`op_db`) through ember: the inputs converted, the ember op
called the same way, values, dtypes, shapes and input gradients compared with torch's."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import ember
from tests.tolerances import TOLERANCES
from torch_db.convert import tensors_in, to_ember

OPS = {(op.name, op.variant_test_name): op for op in op_db}


def opinfo(name: str, variant: str = "") -> Any:
    return OPS[(name, variant)]


def ember_op(name: str) -> Callable[..., Any]:
    fn: Any = ember
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn


def check_samples(
    name: str, dtype: torch.dtype, kind: str, variant: str = "", grad: bool = True, limit: int = 40,
    outputs: int = 99, fn: Optional[Callable[..., Any]] = None,
) -> int:
    """Compare every sample of op `name` in `dtype` (only the first `outputs` outputs); returns
    how many ran. `fn` is the ember call where OpInfo's calling convention is its own."""
    op = opinfo(name, variant)
    if dtype not in op.supported_dtypes("cpu"):
        return 0
    grad = grad and dtype == torch.float64 and op.supports_autograd
    count = 0
    for sample in list(op.sample_inputs("cpu", dtype, requires_grad=grad))[:limit]:
        args = (sample.input, *sample.args)
        e_args, e_kwargs = to_ember(args), to_ember(sample.kwargs)
        expected = op.op(*args, **sample.kwargs)
        got = (fn or ember_op(name))(*e_args, **e_kwargs)
        outs_t, outs_e = tensors_in(expected), tensors_in(got)
        assert len(outs_t) == len(outs_e), sample
        outs_t, outs_e = outs_t[:outputs], outs_e[:outputs]
        for t, e in zip(outs_t, outs_e):
            rtol, atol = TOLERANCES[kind][str(t.dtype).split(".")[1]] if t.dtype.is_floating_point else (0, 0)
            assert tuple(e.shape) == tuple(t.shape), (sample, e.shape, t.shape)
            assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1], (sample, e.dtype, t.dtype)
            np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=repr(sample))
        if grad:
            rtol, atol = TOLERANCES[kind]["float64"]
            _compare_grads(args, e_args, outs_t, outs_e, rtol, atol, sample)
        count += 1
    return count


def _compare_grads(args: Any, e_args: Any, outs_t: list, outs_e: list, rtol: float, atol: float, sample: Any) -> None:
    leaves_t = [t for t in tensors_in(args) if t.requires_grad]
    leaves_e = [e for e in tensors_in(e_args) if e.requires_grad]
    assert all(e.requires_grad for t, e in zip(outs_t, outs_e) if t.requires_grad), f"no graph: {sample!r}"
    pairs = [(t, e) for t, e in zip(outs_t, outs_e) if t.requires_grad and t.dtype.is_floating_point]
    if not pairs or not leaves_t:
        return
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(t.shape) for t, _ in pairs]
    loss_t = sum((t * torch.tensor(w)).sum() for (t, _), w in zip(pairs, weights))
    loss_e = sum((e * ember.tensor(w)).sum() for (_, e), w in zip(pairs, weights))
    grads_t = torch.autograd.grad(loss_t, leaves_t, allow_unused=True)
    grads_e = ember.autograd.grad(loss_e, leaves_e, allow_unused=True)
    for gt, ge in zip(grads_t, grads_e):
        gt = None if gt is not None and gt._is_zerotensor() else gt
        if gt is None or ge is None:  # torch gives zeros where ember gives None, and the reverse
            assert gt is None and ge is None or not np.any((gt if ge is None else ge).numpy()), sample
            continue
        np.testing.assert_allclose(ge.numpy(), gt.numpy(), rtol=rtol, atol=max(atol, 1e-12), equal_nan=True,
                                   err_msg=f"gradient of {sample!r}")


def check_errors(name: str, variant: str = "") -> int:
    """Every error input of op `name` raises torch's exception type in ember too; those that
    expect a bare Exception (a number where torch's binding wants a Tensor) are left out."""
    op, count = opinfo(name, variant), 0
    if op.error_inputs_func is None:
        return 0
    for error in op.error_inputs("cpu"):
        if error.error_type is Exception:
            continue
        sample = error.sample_input
        args = to_ember((sample.input, *sample.args))
        try:
            ember_op(name)(*args, **to_ember(sample.kwargs))
        except error.error_type:
            count += 1
        else:
            raise AssertionError(f"{name}{sample!r} should raise {error.error_type.__name__}: {error.error_regex}")
    return count
