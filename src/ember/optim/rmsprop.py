"""RMSprop: divide the gradient by a running root mean square of its recent magnitudes."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .optimizer import (
    Optimizer, ParamsT, _advance_step, _check_implementation_flags, _check_lr, _check_nonneg, _grad, _lazy_state,
    _lerp_, _scalar,
)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`):

    .. math::
        g &\leftarrow g + \lambda \theta \\
        v_t &\leftarrow \alpha v_{t-1} + (1 - \alpha) g^2 \\
        \bar g_t &\leftarrow \alpha \bar g_{t-1} + (1 - \alpha) g \quad
            d = \sqrt{v_t - \bar g_t^2} + \epsilon \text{ if centered, else }
            d = \sqrt{v_t} + \epsilon \\
        b_t &\leftarrow \mu b_{t-1} + g / d, \quad \theta \leftarrow \theta - \gamma b_t
            \quad \text{if } \mu > 0, \text{ else } \theta \leftarrow \theta - \gamma g / d

    >>> opt = ember.optim.RMSprop(params, lr=1e-2, alpha=0.99, centered=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_nonneg("epsilon", eps)
        _check_nonneg("momentum", momentum)
        _check_nonneg("weight_decay", weight_decay)
        _check_nonneg("alpha", alpha)
        defaults = {
            "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
            "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable,
        }
        _check_implementation_flags("RMSprop", capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
            weight_decay, centered = group["weight_decay"], group["centered"]
            buffers = ["square_avg"]
            if momentum > 0:
                buffers.append("momentum_buffer")
            if centered:
                buffers.append("grad_avg")
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = _lazy_state(self.state[p], p, buffers)
                data = p._data
                g = _grad(p, group["maximize"], weight_decay)
                _advance_step(state)
                v = state["square_avg"]._data
                v *= alpha
                v += (1 - alpha) * g * g
                if centered:
                    g_avg = state["grad_avg"]._data
                    _lerp_(g_avg, g, 1 - alpha)
                    avg = np.sqrt(v - g_avg * g_avg)
                else:
                    avg = np.sqrt(v)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += g / avg
                    data -= lr * buf
                else:
                    data += -lr * g / avg
                p._bump_version()
        return loss
