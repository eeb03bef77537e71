"""L-BFGS: a quasi-Newton method that builds its curvature estimate from the last few steps,
with an optional strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, ch. 3, 7).

The decisions follow torch's implementation step for step (same iteration counts, same
stopping tests), so a float64 problem takes the same path in both libraries. Scalars derived
from the parameters (dot products, step sizes) stay NumPy scalars of the parameters' dtype, as
torch keeps them 0-d tensors of that dtype. Every `x + alpha * y` (the parameter update and the
two-loop recursion) is rounded once, as torch's `add_(y, alpha=alpha)` is a fused multiply-add.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .._c_math import fma
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from .optimizer import Optimizer, ParamsT, _check_lr, _scalar


def _cubic_minimum(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any,
                   bounds: Optional[tuple[Any, Any]] = None) -> Any:
    """The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to
    `bounds` (default: between x1 and x2); the midpoint of the bounds when the cubic has none."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        x = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(x, lo), hi)


def _strong_wolfe(evaluate: Callable[[Any], tuple[float, np.ndarray]], t: Any, d: np.ndarray, f: float,
                  g: np.ndarray, gtd: Any, c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9,
                  max_ls: int = 25) -> tuple[float, np.ndarray, Any, int]:
    r"""Find a step t along d with sufficient decrease and small slope (the strong Wolfe
    conditions), :math:`f(t) \le f(0) + c_1 t f'(0)` and :math:`|f'(t)| \le -c_2 f'(0)`:
    first grow t until a bracket holds a point that satisfies them, then shrink the bracket by
    safeguarded cubic interpolation ("zoom"). Returns (f, g, t, evaluations)."""
    d_norm = np.abs(d).max()
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f, bracket_g, bracket_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f, bracket_g, bracket_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], [gtd_prev, gtd_new]
            break
        # extrapolate: the next trial lies between a little past t and ten times t
        t_next = _cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = t_next
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insufficient_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # keep away from the bracket's ends, where interpolation makes little progress
        hi, lo = max(bracket), min(bracket)
        eps = 0.1 * (hi - lo)
        if min(hi - t, t - lo) < eps:
            if insufficient_progress or t >= hi or t <= lo:
                t = hi - eps if abs(t - hi) < abs(t - lo) else lo + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = t, f_new, g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def _add_scaled(x: np.ndarray, alpha: Any, y: np.ndarray) -> np.ndarray:
    """x + alpha * y rounded once to x's dtype, alpha first rounded to it: torch's
    `x.add_(y, alpha=alpha)`, a fused multiply-add."""
    return fma(y, np.asarray(alpha, x.dtype), x)


def _to_state(value: Any) -> Any:
    """Arrays and NumPy scalars become ember tensors (0-d for scalars), as torch stores them."""
    if isinstance(value, (np.ndarray, np.generic)):
        return Tensor._make(np.asarray(value), False, None)
    if isinstance(value, list):
        return [_to_state(v) for v in value]
    return value


def _from_state(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._data[()] if value._data.ndim == 0 else value._data
    if isinstance(value, list):
        return [_from_state(v) for v in value]
    return value


class LBFGS(Optimizer):
    r"""L-BFGS, torch's algorithm; `step(closure)` runs up to `max_iter` iterations.

    Each iteration takes the direction :math:`d = -H g`, where :math:`H` applies the inverse
    curvature built from the last `history_size` pairs :math:`s_k = \theta_{k+1} - \theta_k`,
    :math:`y_k = g_{k+1} - g_k` (the two-loop recursion, starting from the scaling
    :math:`H_0 = s^\top y / y^\top y`); pairs with :math:`s^\top y \le 10^{-10}` are skipped.
    The step is :math:`\theta \leftarrow \theta + t d` with :math:`t` = lr (the first
    iteration uses :math:`\min(1, 1/\lVert g\rVert_1)\,\text{lr}`), or the step found by the
    strong-Wolfe line search when `line_search_fn="strong_wolfe"`.

    Iterations stop at `max_iter`, after `max_eval` closure calls, when
    :math:`\max|g| \le` tolerance_grad, or when the step or the loss change falls below
    tolerance_change. Only one param group is supported.

    >>> opt = ember.optim.LBFGS([x], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad(); loss = f(x); loss.backward(); return loss
    >>> opt.step(closure)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: Optional[int] = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: Optional[str] = None,
    ) -> None:
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change, "history_size": history_size, "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def _flat_grad(self) -> np.ndarray:
        return np.concatenate([
            np.zeros(p._data.size, p._data.dtype) if p.grad is None else p.grad._data.reshape(-1)
            for p in self._params
        ])

    def _move(self, t: Any, d: np.ndarray) -> None:
        """Every parameter += t * its slice of the flat direction d."""
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data[...] = _add_scaled(p._data, t, d[offset:offset + n].reshape(p._data.shape))
            p._bump_version()
            offset += n

    def _set(self, values: list[np.ndarray]) -> None:
        for p, v in zip(self._params, values):
            p._data[...] = v
            p._bump_version()

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to `max_iter` L-BFGS iterations; `closure` zeroes the grads, computes the loss,
        calls backward and returns the loss. Returns the loss from the first evaluation."""
        group = self.param_groups[0]
        lr = _scalar(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        def evaluate() -> float:
            with enable_grad():
                return float(closure())

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t = _from_state(state.get("d")), _from_state(state.get("t"))
        old_dirs, old_stps = _from_state(state.get("old_dirs")), _from_state(state.get("old_stps"))
        ro, h_diag = _from_state(state.get("ro")), _from_state(state.get("H_diag"))
        prev_flat_grad, prev_loss = _from_state(state.get("prev_flat_grad")), state.get("prev_loss")
        al = _from_state(state.get("al"))
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                if al is None:
                    al = [None] * history_size
                # the two-loop recursion: d = -H g
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q = _add_scaled(q, -al[i], old_dirs[i])
                d = q * h_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(d) * ro[i]
                    d = _add_scaled(d, al[i] - be_i, old_stps[i])
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:
                break

            evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                start = [p._data.copy() for p in self._params]

                def along(step: Any, direction: np.ndarray = d, start: list = start) -> tuple[float, np.ndarray]:
                    self._move(step, direction)
                    f_step = evaluate()
                    g_step = self._flat_grad()
                    self._set(start)
                    return f_step, g_step

                loss, flat_grad, t, evals = _strong_wolfe(along, t, d, loss, flat_grad, gtd,
                                                          max_ls=max_eval - current_evals)
                self._move(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._move(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    loss = evaluate()
                    flat_grad = self._flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break

        state.update({
            "d": _to_state(d), "t": _to_state(t), "old_dirs": _to_state(old_dirs), "old_stps": _to_state(old_stps),
            "ro": _to_state(ro), "H_diag": _to_state(h_diag), "prev_flat_grad": _to_state(prev_flat_grad),
            "prev_loss": prev_loss,
        })
        if al is not None:
            state["al"] = _to_state(al)
        return orig_loss
