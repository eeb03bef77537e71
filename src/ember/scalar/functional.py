"""Fused scalar ops: one graph node with many inputs instead of a chain of two-input nodes.

A neuron written as `sum(w*x for ...) + b` makes 2n nodes; `dot(w, x, b, "relu")` makes one,
with the same local-derivative rule as every other node, so it backpropagates through the same
engine. This is what makes the scalar nn several times faster than micrograd's.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional, Sequence

from .value import Local, Operand, Value, _relu, _sigmoid, _tanh


def _identity(z: float) -> tuple[float, float]:
    return z, 1.0


_ACTIVATIONS: dict[Optional[str], tuple[Callable[[float], tuple[float, Local]], str]] = {
    None: (_identity, "dot"),
    "relu": (_relu, "ReLU(dot)"),
    "tanh": (_tanh, "tanh(dot)"),
    "sigmoid": (_sigmoid, "sigmoid(dot)"),
}


def dot(
    weights: Sequence[Value],
    inputs: Sequence[Operand],
    bias: Optional[Value] = None,
    activation: Optional[str] = None,
) -> Value:
    """act(sum_i w_i x_i + b) as one node.

    z = sum_i w_i x_i + b;  dz/dw_i = x_i,  dz/dx_i = w_i,  dz/db = 1;  each scaled by act'(z)
    (relu at z <= 0 passes no gradient at all, as torch).
    `inputs` may mix Values and plain numbers (numbers get no gradient).
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(_ACTIVATIONS)}, got {activation!r}")
    if len(weights) != len(inputs):
        raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs")
    children: list[Value] = []
    local: list[Local] = []
    z = 0.0
    for w, x in zip(weights, inputs):
        wd = w.data
        if isinstance(x, Value):
            xd = x.data
            children.append(x)
            local.append(wd)
        else:
            xd = float(x)
        children.append(w)
        local.append(xd)
        z += wd * xd
    if bias is not None:
        z += bias.data
        children.append(bias)
        local.append(1.0)
    act, op = _ACTIVATIONS[activation]
    out, slope = act(z)
    if slope is None:
        local = [None] * len(local)
    elif slope != 1.0:
        local = [d * slope for d in local]
    return Value._node(out, tuple(children), tuple(local), op, any(c.requires_grad for c in children))


def total(values: Iterable[Operand]) -> Value:
    """sum_i v_i as one node; d/dv_i = 1."""
    children = tuple(Value._lift(v) for v in values)
    requires_grad = any(c.requires_grad for c in children)
    data = sum((c.data for c in children), 0.0)
    return Value._node(data, children, (1.0,) * len(children), "sum", requires_grad)
