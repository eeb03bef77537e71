"""A siamese network learns whether two images show the same digit, or with --root the same
person: Hadsell, Chopra & LeCun's contrastive loss (2006) on pairs of images.

One embedding network maps each image of a pair into R^D (D = 2 by default, so the embedding
is drawn as it is learned): two 3x3 convolutions (32, 64 channels) with batch norm, ReLU and
2x2 max pools, an adaptive average pool to 2x2, Linear(256, 64), ReLU, Linear(64, D). The
loss of a pair at distance d is d^2 / 2 when it shows the same class (target 0) and
max(0, margin - d)^2 / 2 when it does not (target 1); margin 1. Each epoch sees two pairs per
training image, half same and half different (drawn once from the seed), in shuffled batches
of 64; Adam under the 1cycle schedule (peak lr 3e-3). "Same" means d < t, with the threshold
t that classifies the training pairs best; the test pairs are drawn from the test images.

Data: scikit-learn's 8x8 digits (vision.datasets.Digits) by default; with --root DIR any
ImageFolder of faces (DIR/<person>/<image>.jpg, as LFW is laid out), read in grey, resized to
32x32 and split 80% / 20% into training and test images. Writes siamese_curves.png and
siamese_embedding.png (the test images' embeddings, coloured by class).

    ember demo siamese --epochs 10 --out out/
    ember demo siamese --root lfw/ --epochs 20
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from .. import nn
from .._creation import from_numpy
from .._random import Generator, manual_seed
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..ops.join import cat
from ..utils.data import DataLoader, Dataset, random_split
from ..vision import datasets, transforms
from . import _common, _figures, _pairs, _training
from ._common import DEFAULT_OUT, MissingDataError, PathLike, log

DEFAULT_SEED = 0
BATCH_SIZE = 64
LEARNING_RATE = 3e-3
MARGIN = 1.0
PAIRS_PER_IMAGE = 2
FACE_SIZE = 32
TEST_FRACTION = 0.2


def embedding_net(dim: int = 2) -> nn.Sequential:
    """Grey images (N, 1, H, W), H and W >= 4, to embeddings (N, dim)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 2 * 2, 64), nn.ReLU(),
        nn.Linear(64, dim),
    )


def make_datasets(root: Optional[PathLike], seed: int) -> tuple[Dataset[Any], Dataset[Any], list[str]]:
    """Training images, test images (1xHxW tensors in [0, 1]) and the class names: Digits'
    splits, or an ImageFolder at `root` split at random (from `seed`)."""
    if root is None:
        to_tensor = transforms.ToTensor()
        return (datasets.Digits(train=True, transform=to_tensor),
                datasets.Digits(train=False, transform=to_tensor), datasets.Digits.classes)
    grey = transforms.Compose(
        [transforms.Grayscale(), transforms.Resize((FACE_SIZE, FACE_SIZE)), transforms.ToTensor()]
    )
    try:
        folder = datasets.ImageFolder(root, transform=grey)
    except FileNotFoundError as error:
        raise MissingDataError(
            f"{error}\nThe siamese demo reads an ImageFolder: {Path(root) / '<person>' / '<image>.jpg'}, "
            "a folder of images per person (LFW's lfw/ folder is laid out so)."
        ) from error
    train, test = random_split(folder, [1 - TEST_FRACTION, TEST_FRACTION],
                               generator=Generator().manual_seed(seed))
    return train, test, folder.classes


def embed(model: nn.Module, dataset: Dataset[Any]) -> np.ndarray:
    """The embeddings (N, D) of every image of `dataset`, in eval mode."""
    model.eval()
    with no_grad():
        return np.concatenate([model(images).numpy() for images, _ in DataLoader(dataset, batch_size=256)])


class _Scores:
    """The pair accuracies and contrastive losses of the training and test pairs, per epoch."""

    def __init__(self, model: nn.Module, splits: dict[str, tuple[Dataset[Any], np.ndarray]]) -> None:
        self.model, self.splits = model, splits
        self.accuracies: dict[str, list[float]] = {name: [] for name in splits}
        self.losses: dict[str, list[float]] = {name: [] for name in splits}
        self.threshold = 0.0
        self.embeddings: dict[str, np.ndarray] = {}

    def __call__(self, epoch: int, train_loss: float) -> str:
        """Embed both splits, fit the threshold on the training pairs (the first split), score
        both; returns the line to log."""
        for name, (dataset, pairs) in self.splits.items():
            self.embeddings[name] = points = embed(self.model, dataset)
            distances, targets = _pairs.pair_distances(points, pairs), pairs[:, 2]
            if name == "train":
                self.threshold = _pairs.best_threshold(distances, targets)
            self.accuracies[name].append(_pairs.pair_accuracy(distances, targets, self.threshold))
            first, second = (from_numpy(points[pairs[:, k]]) for k in (0, 1))
            self.losses[name].append(_pairs.contrastive_loss(first, second, from_numpy(targets), MARGIN).item())
        return (f"epoch {epoch:2d}  train loss {train_loss:.4f}  threshold {self.threshold:.3f}  pair accuracy "
                f"train {self.accuracies['train'][-1]:.2%}  test {self.accuracies['test'][-1]:.2%}")


@_common.one_blas_thread()
def run(
    epochs: int = 10,
    seed: int = DEFAULT_SEED,
    out: PathLike = DEFAULT_OUT,
    progress: bool = True,
    root: Optional[PathLike] = None,
    embedding_dim: int = 2,
) -> dict:
    """Train the siamese network on pairs of digits (or of the faces under `root`), pick the
    threshold on the training pairs and score the test pairs; returns the test pair accuracy,
    the threshold, per-epoch histories, timing and the figures."""
    folder = _common.output_dir(out)
    manual_seed(seed)
    train_set, test_set, classes = make_datasets(root, seed)
    train_pairs = _pairs.Pairs(train_set, PAIRS_PER_IMAGE * len(train_set), seed)
    test_pairs = _pairs.draw_pairs(_pairs.class_indices(test_set), PAIRS_PER_IMAGE * len(test_set), seed + 1)
    model = embedding_net(embedding_dim)
    scores = _Scores(model, {"train": (train_set, train_pairs.pairs), "test": (test_set, test_pairs)})

    def loss_of(batch: Sequence[Any]) -> Tensor:
        first, second, target = batch
        embeddings = model(cat([first, second]))
        return _pairs.contrastive_loss(embeddings[: len(first)], embeddings[len(first):], target, MARGIN)

    loader = DataLoader(train_pairs, batch_size=BATCH_SIZE, shuffle=True)
    train_losses, seconds = _training.fit(model, loader, loss_of, epochs, LEARNING_RATE, "siamese", progress, scores)
    accuracy = scores.accuracies["test"][-1]
    log(f"trained {epochs} epochs in {seconds:.1f} s: same when distance < {scores.threshold:.3f}; pair accuracy "
        f"{scores.accuracies['train'][-1]:.2%} on {len(train_pairs)} training pairs, {accuracy:.2%} on "
        f"{len(test_pairs)} test pairs (chance: 50%)")
    figures = _draw(folder, scores, classes, _pairs.class_indices(test_set))
    return {
        "accuracy": accuracy,
        "train_accuracy": scores.accuracies["train"][-1],
        "threshold": scores.threshold,
        "loss": scores.losses["test"][-1],
        "train_losses": train_losses,
        "pair_losses": scores.losses,
        "pair_accuracies": scores.accuracies,
        "seconds": seconds,
        "seconds_per_epoch": seconds / epochs,
        "classes": classes,
        "figures": figures,
    }


def _draw(folder: Path, scores: _Scores, classes: Sequence[str], test_labels: np.ndarray) -> list[Path]:
    """The loss and pair-accuracy curves, and the test images' embeddings by class."""
    epochs = range(1, len(scores.accuracies["test"]) + 1)
    return [
        _common.plot_curves(
            folder / "siamese_curves.png",
            "siamese: contrastive loss and pair accuracy",
            "epoch",
            {
                "contrastive loss": {name: (epochs, losses) for name, losses in scores.losses.items()},
                "pair accuracy": {name: (epochs, values) for name, values in scores.accuracies.items()},
            },
        ),
        _figures.plot_embedding(
            scores.embeddings["test"], test_labels, classes, folder / "siamese_embedding.png",
            "siamese: embeddings of the test images",
        ),
    ]
