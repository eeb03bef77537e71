"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ._adam_family import (
    check_adam_args, check_adam_tensor_betas, check_adam_tensor_lr, decayed_grad, update_moments,
)
from .optimizer import Optimizer, ParamsT, _advance_step, _check_implementation_flags, _lazy_state, _scalar


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2014), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), at step t:

    .. math::
        g &\leftarrow g + \lambda \theta \quad (\text{L2; AdamW instead does }
            \theta \leftarrow \theta (1 - \gamma \lambda)) \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g \qquad
        v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g^2 \\
        \hat v &= \max(\hat v_{t-1}, v_t) \text{ if amsgrad else } v_t \\
        \theta &\leftarrow \theta - \frac{\gamma}{1 - \beta_1^t}\,
            \frac{m_t}{\sqrt{\hat v} / \sqrt{1 - \beta_2^t} + \epsilon}

    >>> opt = ember.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999))
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: Optional[bool] = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_adam_tensor_lr(lr, foreach, capturable)
        check_adam_args(lr, eps, betas, weight_decay)
        check_adam_tensor_betas(betas, foreach, capturable)
        defaults = {
            "lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
            "maximize": maximize, "foreach": foreach, "capturable": capturable, "differentiable": differentiable,
            "fused": fused, "decoupled_weight_decay": decoupled_weight_decay,
        }
        _check_implementation_flags(
            type(self).__name__, capturable=capturable, differentiable=differentiable, fused=fused
        )
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            eps, amsgrad = group["eps"], group["amsgrad"]
            moments = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad else ("exp_avg", "exp_avg_sq")
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = _lazy_state(self.state[p], p, moments)
                g = decayed_grad(p, group, lr)
                step = _advance_step(state)
                m, v = update_moments(state, g, beta1, beta2)
                bias_correction1 = 1 - beta1**step
                bias_correction2_sqrt = (1 - beta2**step) ** 0.5
                if amsgrad:
                    v_max = state["max_exp_avg_sq"]._data
                    np.maximum(v_max, v, out=v_max)
                    v = v_max
                denom = np.sqrt(v) / bias_correction2_sqrt + eps
                p._data += (-lr / bias_correction1) * m / denom
                p._bump_version()
        return loss


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019): the decay shrinks the
    parameter directly, :math:`\theta \leftarrow \theta (1 - \gamma \lambda)`, instead of being
    added to the gradient, so it does not pass through the moment estimates. Default
    weight_decay is 1e-2. Otherwise the update is `Adam`'s.

    >>> opt = ember.optim.AdamW(params, lr=1e-3, weight_decay=1e-2)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: Optional[bool] = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: Optional[bool] = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize, capturable=capturable,
            differentiable=differentiable, fused=fused, decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As `Optimizer.load_state_dict`; the groups stay decoupled whatever was saved."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
