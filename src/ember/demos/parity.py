"""my_autograd's odd/even net: is the number of ones in two bits odd? (XOR)

XOR is the classic function no single linear layer can compute, so the net has a hidden layer:
`Linear(2, 4, "sigmoid") -> Linear(4, 2)`, trained with cross-entropy by online SGD (one random
pattern per step, lr 0.3). It classifies all four patterns correctly within 5000 samples.

    ember demo parity --epochs 5000 --seed 0 --out out/
"""

from __future__ import annotations

import random

from ..scalar.nn import Linear, Module, cross_entropy
from ..scalar.value import Value
from . import _common
from ._common import DEFAULT_OUT, PathLike, log

PATTERNS: list[tuple[list[int], int]] = [([0, 0], 0), ([0, 1], 1), ([1, 0], 1), ([1, 1], 0)]
DEFAULT_SEED = 0
HIDDEN = 4
LEARNING_RATE = 0.3


class ParityNet(Module):
    """Two bits -> 4 sigmoid units -> 2 logits (even, odd)."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.hidden = Linear(2, HIDDEN, activation="sigmoid", rng=rng)
        self.out = Linear(HIDDEN, 2, rng=rng)

    def __call__(self, bits: list[int]) -> list[Value]:
        return self.out(self.hidden(bits))

    def parameters(self) -> list[Value]:
        return self.hidden.parameters() + self.out.parameters()


def evaluate(net: ParityNet) -> tuple[float, float]:
    """Accuracy and mean cross-entropy over the four patterns."""
    correct, loss = 0, 0.0
    for bits, odd in PATTERNS:
        logits = net(bits)
        correct += _common.argmax(logits) == odd
        loss += cross_entropy(logits, odd).data
    return correct / len(PATTERNS), loss / len(PATTERNS)


def run(
    samples: int = 5000,
    seed: int = DEFAULT_SEED,
    out: PathLike = DEFAULT_OUT,
    progress: bool = True,
    eval_every: int = 100,
) -> dict:
    """Train on `samples` random patterns; returns the accuracy on all four and its history."""
    folder = _common.output_dir(out)
    rng = random.Random(seed)
    net = ParityNet(seed)
    params = net.parameters()
    seen: list[int] = []
    accuracies: list[float] = []
    losses: list[float] = []

    def record(n: int) -> None:
        accuracy, loss = evaluate(net)
        seen.append(n)
        accuracies.append(accuracy)
        losses.append(loss)
        if n % 500 == 0 or n == samples:
            log(f"after {n:5d} samples: accuracy {accuracy:.0%}  loss {loss:.4f}")

    record(0)
    for i in _common.progress(range(1, samples + 1), samples, "parity", progress):
        bits, odd = rng.choice(PATTERNS)
        loss = cross_entropy(net(bits), odd)
        net.zero_grad()
        loss.backward()
        _common.sgd_step(params, LEARNING_RATE)
        if i % eval_every == 0 or i == samples:
            record(i)
    reached = next((n for n, a in zip(seen, accuracies) if a == 1.0), None)
    figure = _common.plot_curves(
        folder / "parity.png",
        "parity (XOR) of two bits",
        "training samples",
        {"accuracy": (seen, accuracies), "cross-entropy": (seen, losses)},
        log_y=("cross-entropy",),
    )
    return {
        "accuracy": accuracies[-1],
        "loss": losses[-1],
        "samples_to_100": reached,
        "seen": seen,
        "accuracies": accuracies,
        "losses": losses,
        "figures": [figure],
    }
