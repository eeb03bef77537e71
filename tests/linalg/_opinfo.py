"""Running torch's OpInfo samples (`op_db`) through ember: converting a sample's tensors, calling
both libraries, and comparing outputs after the sample's `output_process_fn_grad` (which makes
decompositions' outputs gauge-invariant: |U|, U Vh, ...)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import ember


def to_ember(x: Any, requires_grad: bool = False) -> Any:
    """torch tensors (nested in lists, tuples, dicts) as ember tensors with the same values."""
    if isinstance(x, torch.Tensor):
        return ember.tensor(x.detach().numpy().copy(), requires_grad=requires_grad and x.requires_grad)
    if isinstance(x, (list, tuple)):
        return type(x)(to_ember(v, requires_grad) for v in x)
    if isinstance(x, dict):
        return {k: to_ember(v, requires_grad) for k, v in x.items()}
    return x


def flat_tensors(x: Any, cls: type) -> list[Any]:
    """The tensors of class cls in a nested output, in order."""
    if isinstance(x, cls):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in flat_tensors(v, cls)]
    return []


def as_array(t: Any) -> np.ndarray:
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t._data)


def grad_inputs(sample: Any, cls: type, converted: Any) -> list[Any]:
    """The tensors of a (converted) sample that require grad: input, args, kwargs."""
    found = flat_tensors([converted[0], list(converted[1]), list(converted[2].values())], cls)
    return [t for t in found if t.requires_grad]
