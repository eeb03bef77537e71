"""W1: micrograd's moons demo, trained by ember's scalar engine and by micrograd 0.1.0.

MLP(2, [16, 16, 1]) on make_moons(n=100, noise=0.1), SVM max-margin loss + 1e-4 L2, full-batch
SGD with lr = 1 - 0.9 k / 100. Both start from the same weights (drawn as micrograd draws them
after `random.seed(1337)`) and see the same data; their loss curves must agree to 1e-9 relative
(ember's fused nodes sum in a different order, so bit-equality is not expected).
micrograd takes over a second a step, so it is timed on a few steps and ember on the whole demo;
the curves are compared over the steps both ran.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from harness import Impl, Measurement, Workload, relative_diff

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4
STEPS = 100
TOLERANCE = 1e-9
SPEEDUP_GOAL = 5.0

LayerWeights = list[tuple[list[float], float]]


@dataclass(frozen=True)
class Inputs:
    """The data set (labels in {-1, 1}) and the initial weights, layer by layer, neuron by neuron."""

    X: list[list[float]]
    y: list[float]
    weights: list[LayerWeights]


def make_inputs(quick: bool) -> Inputs:
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    draw = random.Random(1337)
    weights = [
        [([draw.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
        for nin, nout in zip(SIZES, SIZES[1:])
    ]
    return Inputs(X.tolist(), (y * 2.0 - 1.0).tolist(), weights)


def _load(model: Any, weights: list[LayerWeights]) -> None:
    """Copy the initial weights into a micrograd-shaped MLP (micrograd's or ember's)."""
    for layer, layer_weights in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, layer_weights):
            for wi, value in zip(neuron.w, w):
                wi.data = value
            neuron.b.data = b


class _Trainer:
    """The demo's training loop; subclasses say how to build the model and the loss."""

    def __init__(self, inputs: Inputs) -> None:
        self.X, self.y = inputs.X, inputs.y
        self.model = self._build()
        _load(self.model, inputs.weights)
        self.params = self.model.parameters()
        self.k = 0
        self.losses: list[float] = []
        self.accuracies: list[float] = []

    def _build(self) -> Any:
        raise NotImplementedError

    def _loss(self, scores: list[Any]) -> Any:
        raise NotImplementedError

    def _score(self, row: list[float]) -> Any:
        return self.model(row)

    def step(self) -> None:
        scores = [self._score(row) for row in self.X]
        loss = self._loss(scores)
        self.model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * self.k / STEPS
        for p in self.params:
            p.data -= lr * p.grad
        self.losses.append(loss.data)
        self.accuracies.append(sum((yi > 0) == (s.data > 0) for yi, s in zip(self.y, scores)) / len(self.y))
        self.k += 1

    def result(self) -> dict[str, list[float]]:
        return {"loss": self.losses, "accuracy": self.accuracies}


class MicrogradTrainer(_Trainer):
    """micrograd 0.1.0, written exactly as its demo notebook writes it."""

    def _build(self) -> Any:
        from micrograd.engine import Value
        from micrograd.nn import MLP

        self.value = Value
        return MLP(SIZES[0], list(SIZES[1:]))

    def _score(self, row: list[float]) -> Any:
        return self.model([self.value(x) for x in row])

    def _loss(self, scores: list[Any]) -> Any:
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in self.params)
        return data_loss + reg_loss


class EmberTrainer(_Trainer):
    """ember.scalar: micrograd's MLP API; neurons, the batch sum and the L2 term are fused nodes."""

    def _build(self) -> Any:
        from ember.scalar import functional
        from ember.scalar.nn import MLP

        self.dot: Callable[..., Any] = functional.dot
        self.total: Callable[..., Any] = functional.total
        return MLP(SIZES[0], list(SIZES[1:]))

    def _loss(self, scores: list[Any]) -> Any:
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.y, scores)]
        data_loss = self.total(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * self.dot(self.params, self.params)
        return data_loss + reg_loss


def agree(ref: dict[str, list[float]], out: dict[str, list[float]]) -> str:
    n = min(len(ref["loss"]), len(out["loss"]))
    worst = max(relative_diff(a, b) for a, b in zip(ref["loss"][:n], out["loss"][:n]))
    same_accuracy = ref["accuracy"][:n] == out["accuracy"][:n]
    verdict = "yes" if worst <= TOLERANCE and same_accuracy else "NO"
    return f"{verdict} (loss max rel diff {worst:.1e} over {n} steps)"


def goals(ms: dict[str, Measurement]) -> list[str]:
    ember, micrograd = ms["ember"].median, ms["micrograd 0.1.0"].median
    lines = []
    if ember is not None and micrograd is not None:
        speedup = micrograd / ember
        met = "met" if speedup >= SPEEDUP_GOAL else "NOT met"
        lines.append(f"ember >= {SPEEDUP_GOAL:g}x faster than micrograd per step: {speedup:.1f}x, {met}")
    out = ms["ember"].output
    if out:
        lines.append(
            f"ember after {len(out['loss'])} steps: loss {out['loss'][-1]:.4f}, "
            f"accuracy {out['accuracy'][-1]:.0%} (measured before the last update)"
        )
    return lines


WORKLOAD = Workload(
    key="W1",
    title="scalar MLP on moons (micrograd's demo)",
    description=(
        "MLP(2,[16,16,1]) on make_moons(n=100, noise=0.1), SVM max-margin loss + 1e-4 L2, "
        "full-batch SGD, lr = 1 - 0.9k/100; one step = forward, zero_grad, backward, update. "
        "Same initial weights and data for both."
    ),
    unit="s/step",
    seconds_per_unit=1.0,
    reference="micrograd 0.1.0",
    inputs=make_inputs,
    impls=[
        Impl("micrograd 0.1.0", MicrogradTrainer, steps=5, quick_steps=2),
        Impl("ember", EmberTrainer, steps=STEPS, quick_steps=5),
    ],
    agree=agree,
    goals=goals,
)
