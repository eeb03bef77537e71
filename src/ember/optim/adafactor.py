"""Adafactor: Adam-like steps whose second moment of a matrix is stored as a row and a column factor."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, ParamsT, _advance_step, _grad, _lerp_, _new_step, _scalar


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern, 2018), torch's variant of the update rule.

    For each parameter :math:`\theta` with gradient :math:`G` (negated when `maximize`), at step t,
    with :math:`\tau` = beta2_decay, :math:`\epsilon_1` (default: the dtype's machine epsilon)
    and :math:`\epsilon_2` = eps, d the clipping threshold:

    .. math::
        \beta_t &= 1 - t^{\tau} \qquad \rho_t = \min(\gamma, 1/\sqrt t) \qquad
        \alpha_t = \max(\epsilon_2, \operatorname{RMS}(\theta))\,\rho_t \qquad
        \theta \leftarrow \theta (1 - \gamma\lambda) \\
        R &\leftarrow \beta_t R + (1 - \beta_t)\operatorname{mean}_{-1}(G^2) \quad
        C \leftarrow \beta_t C + (1 - \beta_t)\operatorname{mean}_{-2}(G^2) \quad
        \hat V = \frac{R C}{\max(\operatorname{mean}_{-2} R, \epsilon_1)} \quad
            (\text{a vector keeps } \hat V \leftarrow \beta_t \hat V + (1 - \beta_t) G^2) \\
        U &= G / \sqrt{\max(\hat V, \epsilon_1^2)} \qquad
        \theta \leftarrow \theta - \frac{\alpha_t}{\max(1, \operatorname{RMS}(U) / d)} U

    State: step, then row_var and col_var (parameters of 2 or more dims) or variance (vectors).

    >>> opt = ember.optim.Adafactor(params, lr=1e-2)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[Optional[float], float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: Optional[bool] = None,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {
            "lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay,
            "foreach": foreach, "maximize": maximize,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p)
                step = _advance_step(state)
                g = _grad(p, group["maximize"])
                data = p._data
                e1 = np.finfo(data.dtype).eps if eps1 is None else eps1
                beta_complement = step ** group["beta2_decay"]
                alpha = max(eps2, _rms(data)) * min(lr, 1 / (step**0.5))
                if group["weight_decay"] != 0:
                    data *= 1 - lr * group["weight_decay"]
                if g.ndim > 1:
                    row, col = state["row_var"]._data, state["col_var"]._data
                    _lerp_(row, np.mean(g * g, axis=-1, keepdims=True), beta_complement)
                    _lerp_(col, np.mean(g * g, axis=-2, keepdims=True), beta_complement)
                    estimate = (row @ col) / np.maximum(row.mean(axis=-2, keepdims=True), e1)
                else:
                    variance = state["variance"]._data
                    _lerp_(variance, g * g, beta_complement)
                    estimate = variance
                update = g / np.sqrt(np.maximum(estimate, e1 * e1))
                data -= (alpha / max(1.0, _rms(update) / group["d"])) * update
                p._bump_version()
        return loss

    def _init_state(self, p: Tensor) -> dict[str, Any]:
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _new_step()
            zeros = np.zeros_like(p._data)
            if p.ndim > 1:
                state["row_var"] = _zeros_tensor(zeros.sum(axis=-1, keepdims=True))
                state["col_var"] = _zeros_tensor(zeros.sum(axis=-2, keepdims=True))
            else:
                state["variance"] = _zeros_tensor(zeros)
        return state


def _zeros_tensor(array: np.ndarray) -> Tensor:
    return Tensor._make(array, False, None)


def _rms(array: np.ndarray) -> float:
    """The root mean square, as torch computes it: the 2-norm over the square root of the size."""
    return float(np.linalg.norm(array.ravel())) / (array.size**0.5)
