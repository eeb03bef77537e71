"""Neural networks on scalar Values: micrograd's Neuron/Layer/MLP and my_autograd's Linear.

`from micrograd.nn import MLP` becomes `from ember.scalar.nn import MLP`: same constructors, same
behaviour, same reprs. The difference is speed: a neuron is one fused graph node
(`functional.dot`), not a chain of 2n multiplies and adds.

Weights are drawn from `ember.default_generator` (so `ember.manual_seed(s)` fixes them) unless a
constructor gets `seed=` (a private `random.Random(seed)`) or `rng=` (a `random.Random` to draw
from, which is how an MLP hands one stream to its layers and neurons).
"""

from __future__ import annotations

import math
import random
from typing import Optional, Sequence, Union

from .. import _random
from .functional import dot
from .value import Value

Input = Union[Value, float, int]
Inputs = Union[Sequence[Input], Input]

_LINEAR_ACTIVATIONS = (None, "relu", "sigmoid", "tanh")


def _resolve_rng(seed: Optional[int], rng: Optional[random.Random]) -> random.Random:
    """The stream to draw initial weights from: `rng`, else a fresh one for `seed`, else the default."""
    if seed is not None and rng is not None:
        raise ValueError("pass either seed= or rng=, not both")
    if rng is not None:
        return rng
    if seed is not None:
        return random.Random(int(seed))
    return _random.default_generator.python


def _as_list(x: Inputs) -> Sequence[Input]:
    """A single Value or number is a 1-element input, so width-1 layers can feed the next layer."""
    if isinstance(x, (Value, int, float)):
        return [x]
    return x


class Module:
    """Base class of every scalar network: it owns Values and can list and reset them."""

    def parameters(self) -> list[Value]:
        """Every trainable Value, in a fixed order."""
        return []

    def zero_grad(self) -> None:
        """Set `grad` to 0 on every parameter (leaves accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """y = relu(w . x + b), or w . x + b when `nonlin=False`; w_i ~ U(-1, 1), b = 0 (micrograd).

    One call builds one graph node with local derivatives dy/dw_i = x_i relu'(z),
    dy/dx_i = w_i relu'(z), dy/db = relu'(z), where z = w . x + b.

    >>> n = Neuron(2, seed=0)
    >>> n
    ReLUNeuron(2)
    >>> y = n([1.0, -2.0])
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        seed: Optional[int] = None,
        rng: Optional[random.Random] = None,
    ) -> None:
        draw = _resolve_rng(seed, rng)
        self.w = [Value(draw.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x: Inputs) -> Value:
        return dot(self.w, _as_list(x), self.b, "relu" if self.nonlin else None)

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` independent neurons reading the same `nin` inputs.

    Returns a list of `nout` Values, or the Value itself when `nout == 1` (as micrograd does).
    Extra keyword arguments (`nonlin=`) go to each Neuron.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        seed: Optional[int] = None,
        rng: Optional[random.Random] = None,
        **kwargs: bool,
    ) -> None:
        draw = _resolve_rng(seed, rng)
        self.neurons = [Neuron(nin, rng=draw, **kwargs) for _ in range(nout)]

    def _outputs(self, x: Inputs) -> list[Value]:
        x = _as_list(x)
        return [n(x) for n in self.neurons]

    def __call__(self, x: Inputs) -> Union[Value, list[Value]]:
        out = self._outputs(x)
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A stack of Layers: `nin` inputs, then one layer per entry of `nouts`.

    Every layer applies ReLU except the last, which is linear. The output is a list of Values,
    or a single Value when the last layer has one neuron.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> score = model([0.5, -1.0])      # a Value
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        seed: Optional[int] = None,
        rng: Optional[random.Random] = None,
    ) -> None:
        draw = _resolve_rng(seed, rng)
        sizes = [nin] + list(nouts)
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, rng=draw) for i in range(len(nouts))
        ]

    def __call__(self, x: Inputs) -> Union[Value, list[Value]]:
        for layer in self.layers:
            x = layer._outputs(x)
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


class Linear(Module):
    """y_j = act(sum_i W[j][i] x_i + b_j) for j < out_features, always returned as a list.

    `weight` is `out_features` rows of `in_features` Values, torch's layout, and both weight and
    bias start as U(-1/sqrt(in_features), 1/sqrt(in_features)), torch's default. `activation`
    is None, "relu", "sigmoid" or "tanh"; each output is one fused graph node.

    >>> layer = Linear(10, 11, activation="relu", seed=0)
    >>> len(layer([1.0] * 10))
    11
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        activation: Optional[str] = None,
        bias: bool = True,
        *,
        seed: Optional[int] = None,
        rng: Optional[random.Random] = None,
    ) -> None:
        if activation not in _LINEAR_ACTIVATIONS:
            choices = list(_LINEAR_ACTIVATIONS)
            raise ValueError(f"activation must be one of {choices}, got {activation!r}")
        draw = _resolve_rng(seed, rng)
        bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
        self.in_features = in_features
        self.out_features = out_features
        self.activation = activation
        self.weight = [
            [Value(draw.uniform(-bound, bound)) for _ in range(in_features)] for _ in range(out_features)
        ]
        self.bias: Optional[list[Value]] = (
            [Value(draw.uniform(-bound, bound)) for _ in range(out_features)] if bias else None
        )

    def __call__(self, x: Inputs) -> list[Value]:
        x = _as_list(x)
        if len(x) != self.in_features:
            raise ValueError(f"Linear expects {self.in_features} inputs, got {len(x)}")
        biases = self.bias if self.bias is not None else [None] * self.out_features
        return [dot(row, x, b, self.activation) for row, b in zip(self.weight, biases)]

    def parameters(self) -> list[Value]:
        params = [w for row in self.weight for w in row]
        return params + self.bias if self.bias is not None else params

    def __repr__(self) -> str:
        return (
            f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}, activation={self.activation!r})"
        )


def _lift_all(values: Sequence[Input]) -> tuple[Value, ...]:
    if not values:
        raise ValueError("expected at least one value, got an empty sequence")
    return tuple(Value._lift(v) for v in values)


def _stable_exps(values: tuple[Value, ...]) -> tuple[list[float], float, float]:
    """e^(z_j - m) for m = max_j z_j (each <= 1, so none overflows), their sum, and m."""
    m = max(v.data for v in values)
    exps = [math.exp(v.data - m) for v in values]
    return exps, sum(exps), m


def softmax(values: Sequence[Input]) -> list[Value]:
    """s_i = e^(z_i) / sum_j e^(z_j), computed as e^(z_i - max z) / sum_j e^(z_j - max z).

    Each s_i is one node whose inputs are all the z_j, with d s_i / d z_j = s_i (delta_ij - s_j).
    Logits of any size work: softmax([1000, 0]) is [1, 0], not nan.
    """
    logits = _lift_all(values)
    exps, norm, _ = _stable_exps(logits)
    probs = [e / norm for e in exps]
    requires_grad = any(z.requires_grad for z in logits)
    out = []
    for i, s_i in enumerate(probs):
        local = tuple(s_i * ((1.0 if i == j else 0.0) - s_j) for j, s_j in enumerate(probs))
        out.append(Value._node(s_i, logits, local, "softmax", requires_grad))
    return out


def cross_entropy(logits: Sequence[Input], target_index: int) -> Value:
    """-log softmax(z)[t] = logsumexp(z) - z_t, as one node; d/dz_j = softmax(z)_j - delta_jt.

    logsumexp(z) = m + log sum_j e^(z_j - m) with m = max z, so no logit overflows; the loss is
    torch's `F.cross_entropy` for one sample with a class index.
    """
    zs = _lift_all(logits)
    if not 0 <= target_index < len(zs):
        raise IndexError(f"Target {target_index} is out of bounds for {len(zs)} classes")
    exps, norm, m = _stable_exps(zs)
    loss = m + math.log(norm) - zs[target_index].data
    local = tuple(e / norm - (1.0 if j == target_index else 0.0) for j, e in enumerate(exps))
    return Value._node(loss, zs, local, "cross_entropy", any(z.requires_grad for z in zs))
