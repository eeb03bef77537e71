r"""Muon: momentum SGD whose update for each 2-d parameter is orthogonalised by a quintic
Newton–Schulz iteration (Jordan et al., 2024, "Muon: An optimizer for hidden layers in neural
networks"), torch's algorithm and arithmetic.

The iteration runs in bfloat16, as torch's does. NumPy has no bfloat16, so every value is kept
in float32 holding a bfloat16 number, and each torch bfloat16 operation is computed exactly (in
float64: products of bfloat16 numbers are exact there), rounded to float32 and then to bfloat16,
as torch's kernels accumulate in float32 and round the result once to bfloat16.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from .._c_math import fma
from .._tensor import Tensor
from .optimizer import Optimizer, ParamsT, _check_lr, _lerp_, _new_state

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.7750, 2.0315
DEFAULT_NS_STEPS = 5


def _bfloat16(x: Any) -> np.ndarray:
    """x rounded to bfloat16 (to float32 first, as torch converts a double), kept as float32:
    round to nearest even on the top 16 bits of the float32 pattern; nan stays nan."""
    single = np.asarray(x, dtype=np.float64).astype(np.float32)
    bits = single.view(np.uint32)
    rounded = ((bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))) & np.uint32(0xFFFF0000))
    return np.where(np.isnan(single), single, rounded.view(np.float32))


def _addmm(c: np.ndarray, a: np.ndarray, b: np.ndarray, beta: float = 1.0, alpha: float = 1.0) -> np.ndarray:
    r""":math:`\beta C + \alpha A B` of bfloat16 matrices, rounded once to bfloat16."""
    product = a.astype(np.float64) @ b.astype(np.float64)
    return _bfloat16(np.float64(beta) * c + np.float64(alpha) * product)


def zeropower_via_newtonschulz(grad: np.ndarray, ns_coefficients: tuple[float, float, float], ns_steps: int,
                               eps: float) -> np.ndarray:
    r"""An approximate orthogonalisation :math:`U S' V^\top` of :math:`G = U S V^\top` (S' about
    1): X = G / max(||G||_F, eps) (G transposed when taller than wide), then k times

    .. math:: A = X X^\top, \qquad X \leftarrow a X + (b A + c A^2) X,

    in bfloat16 (returned as float32 holding bfloat16 values)."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    tall = grad.shape[0] > grad.shape[1]
    x = _bfloat16(grad.T if tall else grad)
    norm = _bfloat16(np.sqrt(np.sum(np.square(x, dtype=np.float64))))
    x = _bfloat16(x / np.maximum(norm, _bfloat16(eps)).astype(np.float64))
    for _ in range(ns_steps):
        gram = _bfloat16(x.astype(np.float64) @ x.T.astype(np.float64))
        gram_update = _addmm(gram, gram, gram, beta=b, alpha=c)
        x = _addmm(x, gram_update, x, beta=a)
    return x.T if tall else x


def _adjusted_lr(lr: Any, adjust_lr_fn: Optional[str], shape: tuple[int, ...]) -> Any:
    """lr scaled for the matrix's shape (A, B): sqrt(max(1, A/B)) ("original", the default) or
    0.2 sqrt(max(A, B)) ("match_rms_adamw", the update's RMS then matches AdamW's)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * type(lr)(math.sqrt(max(1, rows / cols)))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * type(lr)(0.2 * math.sqrt(max(rows, cols)))
    return lr


def _lr(value: Any) -> Any:
    """lr as a float, or, given as a tensor, a NumPy scalar of its dtype: torch keeps a tensor lr
    a 0-d tensor, so `1 - lr * weight_decay` and the adjusted lr are computed in its dtype."""
    return value._data[()] if isinstance(value, Tensor) else float(value)


class Muon(Optimizer):
    r"""Muon, torch's update rule, for 2-d parameters (use AdamW for biases and embeddings).

    For each parameter :math:`\theta` with gradient :math:`g`:

    .. math::
        B &\leftarrow \mu B + (1 - \mu) g \quad\text{(torch's lerp)} \qquad
        \tilde B = \begin{cases} g + \mu (B - g) & \text{nesterov} \\ B & \text{else} \end{cases} \\
        O &= \mathrm{NS}^{(a,b,c)}_k(\tilde B; \epsilon) \qquad
        \theta \leftarrow (1 - \gamma\lambda)\theta - \mathrm{AdjustLR}(\gamma)\, O

    with NS the Newton–Schulz orthogonalisation (`zeropower_via_newtonschulz`). State:
    momentum_buffer.

    >>> opt = ember.optim.Muon([linear.weight], lr=0.02, momentum=0.95)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
        eps: float = EPS,
        ns_steps: int = DEFAULT_NS_STEPS,
        adjust_lr_fn: Optional[str] = None,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {
            "lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
            "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}")

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum = _lr(group["lr"]), group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad._data
                if g.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = _new_state(p.grad)
                buf = state["momentum_buffer"]._data
                _lerp_(buf, g, 1 - momentum)
                update = buf
                if group["nesterov"]:
                    update = g.copy()
                    _lerp_(update, buf, momentum)
                update = zeropower_via_newtonschulz(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
                p._data *= type(lr)(1) - lr * type(lr)(group["weight_decay"])
                adjusted = float(_adjusted_lr(lr, group["adjust_lr_fn"], p._data.shape))
                dtype = p._data.dtype  # torch's add_(update, alpha=-lr) rounds alpha to the parameter's dtype
                p._data[...] = fma(update.astype(dtype), np.asarray(-adjusted, dtype), p._data)
                p._bump_version()
        return loss
