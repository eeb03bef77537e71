"""What the image-classification demos (digits, mnist) share: train a CNN on a Dataset with a
DataLoader, evaluate it every epoch, draw its curves, confusion matrix and mistakes, and save a
checkpoint that is reloaded to show it gives the same predictions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .. import nn
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn import functional as F
from ..serialization import load, save
from ..utils.data import DataLoader, Dataset
from . import _common, _figures, _training

MISTAKES_SHOWN = 32


def evaluate(model: nn.Module, loader: DataLoader) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean cross-entropy over `loader` in eval mode, the predicted classes and the targets."""
    model.eval()
    total, predictions, targets = 0.0, [], []
    with no_grad():
        for images, labels in loader:
            logits = model(images)
            total += F.cross_entropy(logits, labels, reduction="sum").item()
            predictions.append(logits.argmax(1).numpy())
            targets.append(labels.numpy())
    predicted, target = np.concatenate(predictions), np.concatenate(targets)
    return total / len(target), predicted, target


def confusion_matrix(predicted: np.ndarray, target: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[t, p]: how many images of class t were predicted as p."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (target, predicted), 1)
    return counts


@_common.one_blas_thread()
def train_classifier(
    name: str,
    make_model: Callable[[], nn.Module],
    train_set: Dataset[Any],
    test_set: Dataset[Any],
    classes: Sequence[str],
    epochs: int,
    batch_size: int,
    lr: float,
    out: Path,
    progress: bool = True,
) -> dict:
    """Train `make_model()` on `train_set` (shuffled batches, cross-entropy, Adam with 1cycle),
    test it after every epoch, and write NAME_curves.png, NAME_confusion.png,
    NAME_mistakes.png and the checkpoint NAME.pt (the state_dict) into `out`; the checkpoint
    is loaded into a fresh model, which must predict the test set as the trained one did.

    Returns the test accuracy and loss, their per-epoch histories, the training losses, timing,
    the confusion matrix, the checkpoint path, the reloaded model's accuracy and the figures.
    """
    model = make_model()
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    test_losses: list[float] = []
    test_accuracies: list[float] = []

    def loss_of(batch: tuple[Any, Any]) -> Tensor:
        images, labels = batch
        return F.cross_entropy(model(images), labels)

    def after_epoch(epoch: int, train_loss: float) -> str:
        loss, predicted, target = evaluate(model, test_loader)
        test_losses.append(loss)
        test_accuracies.append(float(np.mean(predicted == target)))
        return (f"epoch {epoch:2d}  train loss {train_loss:.4f}  test loss {loss:.4f}  "
                f"test accuracy {test_accuracies[-1]:.2%}")

    train_losses, seconds = _training.fit(
        model, train_loader, loss_of, epochs, lr, name, progress, after_epoch
    )
    loss, predicted, target = evaluate(model, test_loader)
    accuracy = float(np.mean(predicted == target))
    _common.log(f"trained {epochs} epochs in {seconds:.1f} s: test accuracy {accuracy:.2%} "
                f"({int(np.sum(predicted != target))} of {len(target)} wrong)")
    checkpoint = out / f"{name}.pt"
    save(model.state_dict(), checkpoint)
    reloaded_accuracy = _reload_accuracy(make_model, checkpoint, test_loader, predicted)
    print(f"saved {checkpoint} (reloaded: test accuracy {reloaded_accuracy:.2%}, same predictions)")
    matrix = confusion_matrix(predicted, target, len(classes))
    figures = _draw(name, out, classes, train_losses, test_losses, test_accuracies, matrix,
                    test_set, predicted, target)
    return {
        "accuracy": accuracy,
        "loss": loss,
        "train_losses": train_losses,
        "test_losses": test_losses,
        "test_accuracies": test_accuracies,
        "seconds": seconds,
        "seconds_per_epoch": seconds / epochs,
        "confusion_matrix": matrix,
        "checkpoint": checkpoint,
        "reloaded_accuracy": reloaded_accuracy,
        "figures": figures,
    }


def _reload_accuracy(
    make_model: Callable[[], nn.Module], checkpoint: Path, loader: DataLoader, predicted: np.ndarray
) -> float:
    """Load the checkpoint into a fresh model and return its test accuracy; it must predict
    exactly what the trained model predicted."""
    model = make_model()
    model.load_state_dict(load(checkpoint))
    _, again, target = evaluate(model, loader)
    if not np.array_equal(again, predicted):
        raise RuntimeError(f"the model reloaded from {checkpoint} predicts differently")
    return float(np.mean(again == target))


def _draw(
    name: str, out: Path, classes: Sequence[str], train_losses: list[float],
    test_losses: list[float], test_accuracies: list[float], matrix: np.ndarray,
    test_set: Dataset[Any], predicted: np.ndarray, target: np.ndarray,
) -> list[Path]:
    """The curves, the confusion matrix and the first misclassified test images."""
    epochs = range(1, len(train_losses) + 1)
    all_wrong = np.flatnonzero(predicted != target)
    wrong = all_wrong[:MISTAKES_SHOWN]
    images = [np.asarray(test_set[i][0].numpy()).squeeze() for i in wrong]
    captions = [f"{classes[target[i]]} as {classes[predicted[i]]}" for i in wrong]
    return [
        _common.plot_curves(
            out / f"{name}_curves.png",
            f"{name}: cross-entropy and test accuracy",
            "epoch",
            {
                "loss": {"train": (epochs, train_losses), "test": (epochs, test_losses)},
                "test accuracy": (epochs, test_accuracies),
            },
            log_y=("loss",),
        ),
        _figures.plot_confusion_matrix(
            matrix, classes, out / f"{name}_confusion.png", f"{name}: test confusion matrix"
        ),
        _figures.plot_image_grid(
            images, captions, out / f"{name}_mistakes.png",
            f"{name}: misclassified test images (true as predicted), {len(wrong)} of {len(all_wrong)}",
        ),
    ]
