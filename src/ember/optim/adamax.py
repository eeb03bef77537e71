"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ._adam_family import check_adam_args
from .optimizer import Optimizer, ParamsT, _advance_step, _check_implementation_flags, _grad, _lazy_state, _lerp_, _scalar


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2014, section 7), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), at step t:

    .. math::
        g &\leftarrow g + \lambda \theta \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g \qquad
        u_t \leftarrow \max(\beta_2 u_{t-1}, |g| + \epsilon) \\
        \theta &\leftarrow \theta - \frac{\gamma}{1 - \beta_1^t} \frac{m_t}{u_t}

    State: step, exp_avg (m), exp_inf (u).

    >>> opt = ember.optim.Adamax(params, lr=2e-3)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: Optional[bool] = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_adam_args(lr, eps, betas, weight_decay)
        defaults = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
            "maximize": maximize, "differentiable": differentiable, "capturable": capturable,
        }
        _check_implementation_flags("Adamax", differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = _lazy_state(self.state[p], p, ("exp_avg", "exp_inf"))
                step = _advance_step(state)
                g = _grad(p, group["maximize"], group["weight_decay"])
                m, u = state["exp_avg"]._data, state["exp_inf"]._data
                _lerp_(m, g, 1 - beta1)
                u *= beta2
                np.maximum(u, np.abs(g) + group["eps"], out=u)
                p._data += (-lr / (1 - beta1**step)) * (m / u)
                p._bump_version()
        return loss
