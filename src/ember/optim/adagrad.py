"""Adagrad: per-coordinate learning rates scaled by the sum of all past squared gradients."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .optimizer import (
    Optimizer, ParamsT, _advance_step, _check_implementation_flags, _check_lr, _check_nonneg, _grad, _lazy_state,
    _scalar,
)


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), at step t:

    .. math::
        g &\leftarrow g + \lambda \theta \\
        \tilde\gamma &= \gamma / (1 + (t - 1)\,\eta) \quad (\eta = \text{lr\_decay}) \\
        s_t &\leftarrow s_{t-1} + g^2 \quad (s_0 = \text{initial\_accumulator\_value}) \\
        \theta &\leftarrow \theta - \tilde\gamma\, g / (\sqrt{s_t} + \epsilon)

    As in torch, the state (step and sum) exists from construction, before the first step.

    >>> opt = ember.optim.Adagrad(params, lr=1e-2, lr_decay=1e-3)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: Optional[bool] = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: Optional[bool] = None,
    ) -> None:
        _check_lr(lr)
        _check_nonneg("lr_decay", lr_decay)
        _check_nonneg("weight_decay", weight_decay)
        _check_nonneg("initial_accumulator_value", initial_accumulator_value)
        _check_nonneg("epsilon", eps)
        defaults = {
            "lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable, "fused": fused,
        }
        _check_implementation_flags("Adagrad", differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Any, group: dict[str, Any]) -> dict[str, Any]:
        return _lazy_state(self.state[p], p, ("sum",), group["initial_accumulator_value"])

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            lr_decay, eps, weight_decay = group["lr_decay"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, group)
                step = _advance_step(state)
                data = p._data
                g = _grad(p, group["maximize"], weight_decay)
                clr = lr / (1 + (step - 1) * lr_decay)
                s = state["sum"]._data
                s += g * g
                std = np.sqrt(s)
                std += eps
                data += -clr * g / std
                p._bump_version()
        return loss
