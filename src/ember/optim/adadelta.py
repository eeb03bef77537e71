"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .optimizer import (
    Optimizer, ParamsT, _advance_step, _check_implementation_flags, _check_lr, _check_nonneg, _grad, _lazy_state,
    _scalar,
)


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`):

    .. math::
        g &\leftarrow g + \lambda \theta \\
        v_t &\leftarrow \rho v_{t-1} + (1 - \rho) g^2 \\
        \Delta &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g \\
        u_t &\leftarrow \rho u_{t-1} + (1 - \rho) \Delta^2 \\
        \theta &\leftarrow \theta - \gamma \Delta

    >>> opt = ember.optim.Adadelta(params, lr=1.0, rho=0.9)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: Optional[bool] = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonneg("epsilon", eps)
        _check_nonneg("weight_decay", weight_decay)
        defaults = {
            "lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
            "capturable": capturable, "foreach": foreach, "differentiable": differentiable,
        }
        _check_implementation_flags("Adadelta", capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            rho, eps, weight_decay = group["rho"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = _lazy_state(self.state[p], p, ("square_avg", "acc_delta"))
                _advance_step(state)
                data = p._data
                g = _grad(p, group["maximize"], weight_decay)
                v, u = state["square_avg"]._data, state["acc_delta"]._data
                v *= rho
                v += (1 - rho) * g * g
                delta = np.sqrt(u + eps)
                delta /= np.sqrt(v + eps)
                delta *= g
                u *= rho
                u += (1 - rho) * delta * delta
                data -= lr * delta
                p._bump_version()
        return loss
