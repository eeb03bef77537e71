"""Stochastic gradient descent, with momentum, Nesterov momentum, weight decay and L1."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, ParamsT, _check_implementation_flags, _check_lr, _grad, _scalar


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`):

    .. math::
        g &\leftarrow g + \lambda_2 \theta + \lambda_1 \operatorname{sign}(\theta)
            \quad (\lambda_2 = \text{weight\_decay},\ \lambda_1 = \text{l1}) \\
        b_t &\leftarrow g \text{ at the first step, else } \mu b_{t-1} + (1 - \tau) g \\
        g &\leftarrow g + \mu b_t \text{ if nesterov, else } b_t \quad (\text{when } \mu \ne 0) \\
        \theta &\leftarrow \theta - \gamma g

    with :math:`\gamma` = lr, :math:`\mu` = momentum, :math:`\tau` = dampening.

    `l1` is ember's addition (torch has no such option): the subgradient of the penalty
    :math:`\lambda_1 \lVert\theta\rVert_1`, added like weight decay, so it shrinks the
    parameters toward zero whether minimizing or maximizing. The param groups hold an "l1" key
    only when it is set, so a plain SGD's groups and state_dict carry exactly torch's keys.

    >>> opt = ember.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: Optional[bool] = None,
        differentiable: bool = False,
        fused: Optional[bool] = None,
        l1: float = 0,
    ) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if l1 < 0.0:
            raise ValueError(f"Invalid l1 value: {l1}")
        defaults = {
            "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
            "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
            "fused": fused,
        }
        if l1 != 0:
            defaults["l1"] = l1
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_implementation_flags("SGD", differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            momentum, dampening = group["momentum"], group["dampening"]
            weight_decay, l1 = group["weight_decay"], group.get("l1", 0)
            for p in group["params"]:
                if p.grad is None:
                    continue
                data = p._data
                g = _grad(p, group["maximize"], weight_decay)
                if l1 != 0:
                    g = g + l1 * np.sign(data)
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        state["momentum_buffer"] = buf = Tensor._make(g.copy(), False, None)
                    else:
                        b = buf._data
                        b *= momentum
                        b += (1 - dampening) * g
                    g = g + momentum * buf._data if group["nesterov"] else buf._data
                data -= lr * g
                p._bump_version()
        return loss
