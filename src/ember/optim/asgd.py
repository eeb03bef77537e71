"""ASGD: SGD with a decaying step size and a running (Polyak) average of the iterates."""

from __future__ import annotations

from typing import Any, Callable, Optional

from .optimizer import (
    Optimizer, ParamsT, _advance_step, _check_implementation_flags, _check_lr, _check_nonneg, _grad, _new_state,
    _new_step, _scalar,
)


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky, 1992), torch's update rule.

    For each parameter :math:`\theta` with gradient :math:`g` (negated when `maximize`), at step t,
    with :math:`\eta` and :math:`\mu` from the previous step (:math:`\eta_0 = \gamma`, :math:`\mu_0 = 1`):

    .. math::
        g &\leftarrow g + \lambda_w \theta \qquad
        \theta \leftarrow \theta (1 - \lambda \eta) - \eta g \\
        a &\leftarrow a + \mu (\theta - a) \quad (a \leftarrow \theta \text{ when } \mu = 1) \\
        \eta &\leftarrow \frac{\gamma}{(1 + \lambda \gamma t)^\alpha} \qquad
        \mu \leftarrow \frac{1}{\max(1, t - t_0)}

    The average :math:`a` is kept in the state as "ax"; eta and mu are 0-d tensors of the
    default scalar dtype, as torch keeps them.

    >>> opt = ember.optim.ASGD(params, lr=1e-2, t0=100)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_nonneg("weight_decay", weight_decay)
        defaults = {
            "lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay, "foreach": foreach,
            "maximize": maximize, "differentiable": differentiable, "capturable": capturable,
        }
        _check_implementation_flags("ASGD", differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state.update(step=_new_step(), eta=_new_step(lr), mu=_new_step(1.0), ax=_new_state(p))
                step = _advance_step(state)
                g = _grad(p, group["maximize"], group["weight_decay"])
                eta, mu, ax = state["eta"]._data, state["mu"]._data, state["ax"]._data
                data = p._data
                eta_value = float(eta)
                data *= 1 - lambd * eta_value
                data += -eta_value * g
                if float(mu) != 1:
                    ax += (data - ax) * mu
                else:
                    ax[...] = data
                # torch makes each new value a default-dtype tensor before copying it in, so it is
                # rounded to float32 even where a loaded checkpoint made eta and mu float64
                eta[...] = _new_step(lr / ((1 + lambd * lr * step) ** alpha))._data
                mu[...] = _new_step(1 / max(1, step - t0))._data
                p._bump_version()
        return loss
