"""Finite-difference checks of backward rules, with torch's contract: float64 inputs, central
differences with eps = 1e-6, and |analytical - numerical| <= atol + rtol * |numerical| for every
entry of the full Jacobian."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Sequence

import numpy as np

from .. import _tensor


class GradcheckError(RuntimeError):
    """A Jacobian entry from backward disagrees with the finite-difference estimate."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _requiring_grad(xs: Sequence[Any]) -> list:
    """The tensors among `xs` that require grad: the inputs a check differentiates by."""
    return [x for x in xs if isinstance(x, _tensor.Tensor) and x.requires_grad]


def _outputs(func: Callable, inputs: tuple) -> list:
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, _tensor.Tensor) and o.is_floating_point()]


def _numerical(func: Callable, inputs: tuple, x: Any, n_out: int, eps: float) -> list[np.ndarray]:
    """d(output k)/d(x) by central differences, one input element at a time. `func` runs in grad
    mode: gradgradcheck's func is itself a backward pass."""
    cols = [np.zeros((o, x.numel())) for o in n_out]
    data = x._data  # indexed in place: reshape(-1) of a non-C-contiguous array would be a copy
    for j, at in enumerate(np.ndindex(data.shape)):
        orig = data[at]
        data[at] = orig + eps
        plus = [o._data.astype(np.float64).ravel() for o in _outputs(func, inputs)]
        data[at] = orig - eps
        minus = [o._data.astype(np.float64).ravel() for o in _outputs(func, inputs)]
        data[at] = orig
        for k, (p, m) in enumerate(zip(plus, minus)):
            cols[k][:, j] = (p - m) / (2 * eps)
    return cols


def _analytical(func: Callable, inputs: tuple, diff: list) -> list[list[np.ndarray]]:
    """d(output k)/d(input i) by backpropagating each unit vector of output k."""
    from . import grad

    outs = _outputs(func, inputs)
    jac = [[np.zeros((o.numel(), x.numel())) for x in diff] for o in outs]
    for k, out in enumerate(outs):
        for r in range(out.numel()):
            unit = np.zeros(out.numel(), dtype=out._data.dtype)
            unit[r] = 1
            if not out.requires_grad:
                continue
            grads = grad(out, diff, _tensor.Tensor._make(unit.reshape(out.shape), False, None),
                         retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[k][i][r] = g._data.astype(np.float64).ravel()
    return jac


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """True when backward's Jacobian matches finite differences for every input that requires grad."""
    inputs = _as_tuple(inputs)
    diff = _requiring_grad(inputs)
    for i, x in enumerate(diff):
        if x.dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point ({x.dtype}); "
                          "gradcheck is likely to fail", stacklevel=2)
    sizes = [o.numel() for o in _outputs(func, inputs)]
    analytical = _analytical(func, inputs, diff)
    for i, x in enumerate(diff):
        numerical = _numerical(func, inputs, x, sizes, eps)
        for k, num in enumerate(numerical):
            ana = analytical[k][i]
            bad = ~np.isclose(ana, num, rtol=rtol, atol=atol, equal_nan=True)
            if bad.any():
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{num}\nanalytical:{ana}\n"
                )
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Optional[Sequence[Any]] = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """gradcheck of the backward itself: second derivatives through `create_graph=True`."""
    from . import grad

    inputs = _as_tuple(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [_tensor.Tensor._make(rng.standard_normal(o.shape).astype(o._data.dtype), False, None).requires_grad_()
                        for o in outs]
    grad_outputs = list(grad_outputs)
    n = len(inputs)

    def first_derivative(*args: Any) -> tuple:
        xs, gs = args[:n], args[n:]
        ys = _outputs(func, xs)
        return grad(ys, _requiring_grad(xs), list(gs), create_graph=True, allow_unused=True, materialize_grads=True)

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
