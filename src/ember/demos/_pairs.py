"""Pairs of images for a siamese network: the pairs themselves, Hadsell, Chopra & LeCun's
contrastive loss (CVPR 2006), and the distance threshold that decides "same" or "different".

A pair's target follows the paper: SAME = 0 (the two images show the same class: digit or
person), DIFFERENT = 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from ..nn import functional as F
from ..nn.functional.loss import reduce_loss
from ..utils.data import Dataset, Subset

SAME, DIFFERENT = 0, 1


def contrastive_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 1.0, reduction: str = "mean"
) -> Tensor:
    r"""The contrastive loss of embeddings `input1`, `input2` (N, D) with targets (N,) that are
    SAME (0) or DIFFERENT (1): with the Euclidean distance d = ||input1 - input2||,

        loss = (1 - y) d^2 / 2 + y max(0, margin - d)^2 / 2

    pulls the images of a class together and pushes other pairs until they are `margin`
    apart; past that they cost nothing. `reduction` is "mean", "sum" or "none", as torch's
    losses take it.

    Example: contrastive_loss(e1, e2, ember.tensor([0, 1]), margin=1.0)
    """
    distance = F.pairwise_distance(input1, input2)
    y = target.to(distance.dtype)
    losses = (1 - y) * distance.pow(2) / 2 + y * F.relu(margin - distance).pow(2) / 2
    return reduce_loss(losses, reduction)


def class_indices(dataset: Dataset[Any]) -> np.ndarray:
    """The class index of every sample, read from `targets` (as torchvision's datasets have it)
    without loading any image; a Subset picks its own from its dataset's."""
    if isinstance(dataset, Subset):
        return class_indices(dataset.dataset)[np.asarray(dataset.indices)]
    return np.asarray(dataset.targets, dtype=np.int64)


def draw_pairs(labels: np.ndarray, num_pairs: int, seed: int) -> np.ndarray:
    """`num_pairs` rows (i, j, target) of sample indices: alternately two different samples of a
    class drawn at random (SAME) and samples of two different classes (DIFFERENT)."""
    rng = np.random.default_rng(seed)
    members = {c: np.flatnonzero(labels == c) for c in np.unique(labels)}
    pairable = [c for c, idx in members.items() if len(idx) >= 2]
    if not pairable or len(members) < 2:
        raise ValueError("pairs need two classes and a class with two samples or more")
    pairs = np.empty((num_pairs, 3), dtype=np.int64)
    for k in range(num_pairs):
        if k % 2 == 0:
            i, j = rng.choice(members[rng.choice(pairable)], 2, replace=False)
            pairs[k] = i, j, SAME
        else:
            a, b = rng.choice(list(members), 2, replace=False)
            pairs[k] = rng.choice(members[a]), rng.choice(members[b]), DIFFERENT
    return pairs


class Pairs(Dataset[Any]):
    """Pairs of `dataset`'s images: sample k is (image_i, image_j, target) for the k-th row
    of `draw_pairs` (drawn once, from `seed`)."""

    def __init__(self, dataset: Dataset[Any], num_pairs: int, seed: int) -> None:
        self.dataset = dataset
        self.pairs = draw_pairs(class_indices(dataset), num_pairs, seed)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> tuple[Any, Any, int]:
        i, j, target = self.pairs[index]
        return self.dataset[int(i)][0], self.dataset[int(j)][0], int(target)


def pair_distances(embeddings: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The Euclidean distance between the embeddings of each pair (rows i, j, target)."""
    return np.linalg.norm(embeddings[pairs[:, 0]] - embeddings[pairs[:, 1]], axis=1)


def best_threshold(distances: np.ndarray, targets: np.ndarray) -> float:
    """The distance t for which "same when d < t" classifies these pairs best: the midpoint
    between the two sorted distances where the accuracy peaks."""
    order = np.argsort(distances)
    d, same = distances[order], targets[order] == SAME
    # pairs right when the k smallest distances are called same: same among them, different above
    correct = np.concatenate([[0], np.cumsum(np.where(same, 1, -1))]) + np.count_nonzero(~same)
    k = int(np.argmax(correct))
    above = d[k] if k < len(d) else d[-1] + 1.0
    below = d[k - 1] if k > 0 else d[0] - 1.0
    return float((below + above) / 2)


def pair_accuracy(distances: np.ndarray, targets: np.ndarray, threshold: float) -> float:
    """The fraction of pairs that "same when d < threshold" gets right."""
    return float(np.mean((distances < threshold) == (targets == SAME)))
