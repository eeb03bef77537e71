"""ember.autograd: reverse-mode differentiation of Tensor programs, with torch's API."""

from __future__ import annotations

from typing import Optional, Sequence, Union

import numpy as np

from .. import _tensor
from . import engine
from .engine import grad_roots as _grad_roots
from .anomaly import detect_anomaly, set_detect_anomaly
from .function import Function
from .gradcheck import gradcheck, gradgradcheck
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled

Tensors = Union["_tensor.Tensor", Sequence["_tensor.Tensor"]]

__all__ = [
    "Function", "backward", "detect_anomaly", "enable_grad", "grad", "gradcheck", "gradgradcheck",
    "inference_mode", "is_grad_enabled", "no_grad", "set_detect_anomaly", "set_grad_enabled",
]


def _seq(x: Optional[Tensors]) -> Optional[list]:
    if x is None:
        return None
    return [x] if isinstance(x, _tensor.Tensor) else list(x)


def backward(
    tensors: Tensors,
    grad_tensors: Optional[Tensors] = None,
    retain_graph: Optional[bool] = None,
    create_graph: bool = False,
    inputs: Optional[Tensors] = None,
) -> None:
    """Accumulate the gradients of `tensors` into the `.grad` of the leaves (or of `inputs`)."""
    outputs = _seq(tensors)
    grads = _grad_roots(outputs, _seq(grad_tensors), create_graph)
    engine.run_backward(outputs, grads, retain_graph, create_graph, inputs=_seq(inputs), accumulate=True)


def grad(
    outputs: Tensors,
    inputs: Tensors,
    grad_outputs: Optional[Tensors] = None,
    retain_graph: Optional[bool] = None,
    create_graph: bool = False,
    allow_unused: Optional[bool] = None,
    materialize_grads: bool = False,
) -> tuple:
    """The gradients of `outputs` with respect to `inputs`, returned (no `.grad` is touched)."""
    outs = _seq(outputs)
    ins = _seq(inputs)
    grads = _grad_roots(outs, _seq(grad_outputs), create_graph)
    result = engine.run_backward(
        outs, grads, retain_graph, create_graph, inputs=ins, accumulate=False,
        allow_unused=bool(allow_unused) or materialize_grads,
    )
    if materialize_grads:
        result = [g if g is not None else _tensor.Tensor._make(np.zeros_like(t._data), False, None) for g, t in zip(result, ins)]
    return tuple(result)


from . import functional  # noqa: E402  (it calls grad, defined above)
