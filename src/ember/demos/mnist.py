"""nptorch's CNN on MNIST (60,000 training and 10,000 test images, 28x28), read from
ROOT/MNIST/raw by vision.datasets.MNIST.

Three 3x3 convolutions (16, 32, 64 channels), each followed by a 2x2 max pool and ReLU
(28 -> 14 -> 7 -> 3), then Linear(576, 128), dropout 0.5, ReLU, Linear(128, 64), ReLU,
Linear(64, 10): the network nptorch trained. Cross-entropy, Adam under the 1cycle schedule
(peak lr 2e-3), shuffled batches of 64, images normalised with MNIST's mean and std.
Writes mnist_curves.png, mnist_confusion.png, mnist_mistakes.png and the checkpoint mnist.pt.

The files are not shipped: put them in ROOT/MNIST/raw or pass --download.

    ember demo mnist --root data --download --epochs 5 --out out/
"""

from __future__ import annotations

from pathlib import Path

from .. import nn
from .._tensor import Tensor
from .._random import manual_seed
from ..vision import datasets, transforms
from . import _classify, _common
from ._common import DEFAULT_OUT, MissingDataError, PathLike

DEFAULT_SEED = 0
DEFAULT_ROOT = "data"
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
MEAN, STD = 0.1307, 0.3081  # of MNIST's training pixels, scaled to [0, 1]


class CNN(nn.Module):
    """nptorch's MNIST network: 1x28x28 images to 10 logits."""

    def __init__(self) -> None:
        super().__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(),
        )
        self.layer2 = nn.Sequential(
            nn.Linear(64 * 3 * 3, 128), nn.Dropout(0.5), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.layer1(x)
        return self.layer2(x.reshape(x.shape[0], -1))


def missing_message(root: PathLike, error: Exception) -> str:
    """What to do when MNIST cannot be read from `root`: where the files go, how to fetch them."""
    raw = Path(root) / "MNIST" / "raw"
    names = [name for name, _ in datasets.MNIST.resources]
    reason = f"{error}: {error.__cause__}" if error.__cause__ else str(error)
    fetch = " ".join(f"-O {datasets.MNIST.mirrors[0]}{name}" for name in names)
    return (
        f"MNIST could not be read from {raw} ({reason}).\n"
        f"Put its four files there (gzipped, or extracted without .gz): {', '.join(names)}; for example\n"
        f"    mkdir -p {raw} && cd {raw} && curl {fetch}\n"
        f"or let the demo fetch them: ember demo mnist --root {root} --download"
    )


def make_datasets(root: PathLike, download: bool) -> tuple[datasets.MNIST, datasets.MNIST]:
    """The training and test splits as normalised 1x28x28 tensors; MissingDataError (with
    what to do) when the files are not there or cannot be downloaded."""
    to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])
    try:
        return (datasets.MNIST(root, train=True, transform=to_tensor, download=download),
                datasets.MNIST(root, train=False, transform=to_tensor))
    except RuntimeError as error:
        raise MissingDataError(missing_message(root, error)) from error


def run(
    epochs: int = 5,
    seed: int = DEFAULT_SEED,
    out: PathLike = DEFAULT_OUT,
    progress: bool = True,
    root: PathLike = DEFAULT_ROOT,
    download: bool = False,
) -> dict:
    """Train and test nptorch's CNN on MNIST, draw its figures, save and reload its
    checkpoint; returns the test accuracy and the other metrics of
    `_classify.train_classifier`."""
    train_set, test_set = make_datasets(root, download)
    folder = _common.output_dir(out)
    manual_seed(seed)
    classes = [str(digit) for digit in range(10)]
    return _classify.train_classifier(
        "mnist", CNN, train_set, test_set, classes, epochs, BATCH_SIZE, LEARNING_RATE, folder, progress
    )
