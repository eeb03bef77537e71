"""RAdam: Adam whose adaptive step is switched on only once the variance estimate is tractable."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ._adam_family import check_adam_args, decayed_grad, update_moments
from .optimizer import Optimizer, ParamsT, _advance_step, _check_implementation_flags, _lazy_state, _scalar


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al., 2019), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), at step t,
    after weight decay (L2 :math:`g \leftarrow g + \lambda\theta`, or decoupled
    :math:`\theta \leftarrow \theta(1 - \gamma\lambda)`) and Adam's moments :math:`m_t, v_t`:

    .. math::
        \rho_\infty &= \frac{2}{1 - \beta_2} - 1 \qquad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t} \\
        r_t &= \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}} \\
        \theta &\leftarrow \theta - \gamma \frac{m_t}{1 - \beta_1^t}
            \cdot \begin{cases} r_t \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} & \rho_t > 5 \\
            1 & \text{otherwise} \end{cases}

    >>> opt = ember.optim.RAdam(params, lr=1e-3)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_adam_args(lr, eps, betas, weight_decay)
        defaults = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
            "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        _check_implementation_flags("RAdam", capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            rho_inf = 2 / (1 - beta2) - 1
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = _lazy_state(self.state[p], p, ("exp_avg", "exp_avg_sq"))
                step = _advance_step(state)
                m, v = update_moments(state, decayed_grad(p, group, lr), beta1, beta2)
                bias_correction2 = 1 - beta2**step
                update = m / (1 - beta1**step) * lr
                rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    update = update * (bias_correction2**0.5 / (np.sqrt(v) + group["eps"])) * rect
                p._data -= update
                p._bump_version()
        return loss
