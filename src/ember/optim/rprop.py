"""Rprop: per-coordinate step sizes grown or shrunk by the sign agreement of successive gradients."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .optimizer import (
    Optimizer, ParamsT, _advance_step, _check_implementation_flags, _check_lr, _grad, _new_state, _new_step, _scalar,
)


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun, 1993), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), the
    previous (kept) gradient :math:`g'` and per-coordinate step size :math:`s` (starting at lr):

    .. math::
        s &\leftarrow \operatorname{clamp}(s \cdot \eta, s_{min}, s_{max}), \quad
        \eta = \eta_+ \text{ if } g g' > 0,\ \eta_- \text{ if } g g' < 0,\ 1 \text{ otherwise} \\
        g &\leftarrow 0 \text{ where } g g' < 0 \qquad
        \theta \leftarrow \theta - s \operatorname{sign}(g) \qquad g' \leftarrow g

    State: step, prev (:math:`g'`), step_size (:math:`s`).

    >>> opt = ember.optim.Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
            "differentiable": differentiable, "capturable": capturable,
        }
        _check_implementation_flags("Rprop", capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            eta_minus, eta_plus = group["etas"]
            size_min, size_max = group["step_sizes"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state.update(step=_new_step(), prev=_new_state(p), step_size=_new_state(p, _scalar(group["lr"])))
                _advance_step(state)
                g = _grad(p, group["maximize"])
                prev, step_size = state["prev"]._data, state["step_size"]._data
                agreement = np.sign(g * prev)
                factor = np.where(agreement > 0, eta_plus, np.where(agreement < 0, eta_minus, 1.0)).astype(g.dtype)
                step_size *= factor
                np.clip(step_size, size_min, size_max, out=step_size)
                g = np.where(agreement < 0, 0, g)
                p._data -= np.sign(g) * step_size
                prev[...] = g
                p._bump_version()
        return loss
