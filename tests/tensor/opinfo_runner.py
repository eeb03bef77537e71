"""Runs torch's OpInfo samples (`op_db`) through ember: the same inputs, then the outputs'
shapes, dtypes and values and the gradients of every input, compared with torch's; and each
error input, which must raise torch's exception type."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import ember
from tolerances import FLOAT32_LONG_SUM, REDUCTION, TOLERANCES
from torch_db.convert import tensors_in, to_ember

OPS = {(op.name, op.variant_test_name): op for op in op_db}


def ember_callable(op: Any) -> Callable[..., Any]:
    fn = getattr(ember, op.name, None)
    return fn if fn is not None else lambda x, *a, **k: getattr(x, op.name)(*a, **k)


def _close(a: np.ndarray, b: np.ndarray, kind: str, what: str) -> None:
    """Equal within the contract; a float32 product sums O(10)-sized samples that can cancel
    to O(0.01), so it keeps FLOAT32_LONG_SUM."""
    rtol, atol = TOLERANCES[kind].get(str(b.dtype), (0.0, 0.0))
    if kind == REDUCTION and b.dtype == np.float32:
        rtol, atol = FLOAT32_LONG_SUM
    assert a.shape == b.shape, f"{what}: shape {a.shape} != torch's {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != torch's {b.dtype}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def check_sample(op: Any, sample: Any, kind: str, grad: bool = True, fn: Optional[Callable] = None) -> None:
    """One sample: values, dtypes and (for float outputs) the vector-Jacobian product with
    the same random cotangent."""
    t_args = (sample.input, *sample.args)
    e_args = to_ember(t_args)
    expected = op.op(*t_args, **sample.kwargs)
    got = (fn or ember_callable(op))(*e_args, **to_ember(sample.kwargs))
    t_out, e_out = tensors_in(expected), tensors_in(got)
    assert len(t_out) == len(e_out), f"{len(e_out)} outputs, torch has {len(t_out)}"
    for i, (t, e) in enumerate(zip(t_out, e_out)):
        _close(e.detach().numpy(), t.detach().numpy(), kind, f"output {i} of {sample}")
    if not grad:
        return
    t_in = [t for t in tensors_in(t_args) + tensors_in(sample.kwargs) if t.requires_grad]
    e_in = [t for t in tensors_in(e_args) + tensors_in(to_ember(sample.kwargs)) if t.requires_grad]
    pairs = [(t, e) for t, e in zip(t_out, e_out) if t.requires_grad and t.grad_fn is not None]
    if not t_in or not pairs:
        return
    rng = np.random.default_rng(0)
    cot = [rng.standard_normal(t.shape).astype(t.detach().numpy().dtype) for t, _ in pairs]
    t_g = torch.autograd.grad([t for t, _ in pairs], t_in, [torch.from_numpy(c) for c in cot], allow_unused=True)
    e_g = ember.autograd.grad([e for _, e in pairs], e_in, [ember.tensor(c) for c in cot], allow_unused=True)
    for i, (tg, eg, t) in enumerate(zip(t_g, e_g, t_in)):
        tg = np.zeros(t.shape, t.detach().numpy().dtype) if tg is None else tg.numpy()
        eg = np.zeros(tg.shape, tg.dtype) if eg is None else eg.numpy()
        _close(eg, tg, kind, f"gradient of input {i} of {sample}")


def check_error(op: Any, error: Any, fn: Optional[Callable] = None) -> None:
    sample = error.sample_input
    args = to_ember((sample.input, *sample.args))
    try:
        (fn or ember_callable(op))(*args, **to_ember(sample.kwargs))
    except Exception as e:  # the type is what is compared
        assert isinstance(e, error.error_type), f"{type(e).__name__}: {e}; torch raises {error.error_type.__name__}"
    else:
        raise AssertionError(f"no error; torch raises {error.error_type.__name__}: {error.error_regex}")
