"""What Adam, AdamW, Adamax, NAdam and RAdam share: their argument checks, the weight decay
(L2 or decoupled) and the two exponential moving averages of the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import _check_betas, _check_lr, _check_nonneg, _grad, _lerp_


def check_adam_args(lr: Any, eps: float, betas: tuple[float, float], weight_decay: float) -> None:
    """torch's checks, in torch's order: lr, eps, each beta in [0, 1), weight_decay."""
    _check_lr(lr)
    _check_nonneg("epsilon", eps)
    _check_betas(betas)
    _check_nonneg("weight_decay", weight_decay)


def check_adam_tensor_lr(lr: Any, foreach: Any, capturable: bool) -> None:
    """Adam's (and AdamW's) first check: torch's foreach kernels take a tensor lr only when capturable."""
    if isinstance(lr, Tensor) and foreach and not capturable:
        raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")


def check_adam_tensor_betas(betas: tuple[Any, Any], foreach: Any, capturable: bool) -> None:
    """Adam's (and AdamW's) last checks: betas both floats or both 1-element tensors, tensors only
    when capturable under foreach."""
    if isinstance(betas[0], Tensor) != isinstance(betas[1], Tensor):
        raise ValueError("betas must be either both floats or both Tensors")
    for i, beta in enumerate(betas):
        if isinstance(beta, Tensor):
            if foreach and not capturable:
                raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
            if beta.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")


def decayed_grad(p: Tensor, group: dict[str, Any], lr: float) -> np.ndarray:
    """The gradient after weight decay: L2, :math:`g + \\lambda\\theta`, or, with
    `decoupled_weight_decay`, the parameter shrunk in place, :math:`\\theta (1 - \\gamma\\lambda)`."""
    weight_decay = group["weight_decay"]
    decoupled = group.get("decoupled_weight_decay", False)
    g = _grad(p, group["maximize"], 0 if decoupled else weight_decay)
    if decoupled and weight_decay != 0:
        p._data *= 1 - lr * weight_decay
    return g


def update_moments(state: dict[str, Any], g: np.ndarray, beta1: float, beta2: float) -> tuple[np.ndarray, np.ndarray]:
    """:math:`m \\leftarrow \\beta_1 m + (1 - \\beta_1) g`, :math:`v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2`,
    in place in state's exp_avg and exp_avg_sq (rounded as torch's lerp_ and addcmul_); returns (m, v)."""
    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
    _lerp_(m, g, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g
    return m, v
