"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ._adam_family import check_adam_args, decayed_grad, update_moments
from .optimizer import (
    Optimizer, ParamsT, _advance_step, _check_implementation_flags, _check_nonneg, _new_state, _new_step, _scalar,
)


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), at step t,
    after weight decay (L2 :math:`g \leftarrow g + \lambda\theta`, or decoupled
    :math:`\theta \leftarrow \theta(1 - \gamma\lambda)`), with :math:`\psi` = momentum_decay:

    .. math::
        \mu_t &= \beta_1 (1 - \tfrac12 \, 0.96^{t\psi}) \qquad \Pi_t = \prod_{i \le t} \mu_i \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g \qquad
        v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g^2 \qquad
        d = \sqrt{v_t / (1 - \beta_2^t)} + \epsilon \\
        \theta &\leftarrow \theta - \gamma \frac{1 - \mu_t}{1 - \Pi_t} \frac{g}{d}
            - \gamma \frac{\mu_{t+1}}{1 - \Pi_t \mu_{t+1}} \frac{m_t}{d}

    State: step, mu_product (:math:`\Pi_t`), exp_avg, exp_avg_sq.

    >>> opt = ember.optim.NAdam(params, lr=2e-3, momentum_decay=4e-3)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_adam_args(lr, eps, betas, weight_decay)
        _check_nonneg("momentum_decay", momentum_decay)
        defaults = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize, "foreach": foreach,
            "capturable": capturable, "differentiable": differentiable,
        }
        _check_implementation_flags("NAdam", capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            momentum_decay = group["momentum_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state.update(step=_new_step(), mu_product=_new_step(1.0), exp_avg=_new_state(p),
                                 exp_avg_sq=_new_state(p))
                step = _advance_step(state)
                g = decayed_grad(p, group, lr)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_product = state["mu_product"]._data
                mu_product *= mu
                m, v = update_moments(state, g, beta1, beta2)
                denom = np.sqrt(v / (1 - beta2**step)) + group["eps"]
                product = float(mu_product)
                p._data += (-lr * (1.0 - mu) / (1.0 - product)) * (g / denom)
                p._data += (-lr * mu_next / (1.0 - product * mu_next)) * (m / denom)
                p._bump_version()
        return loss
