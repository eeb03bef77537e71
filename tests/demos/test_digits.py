"""The digits demo, run short: a CNN on Digits learns, writes its figures and a checkpoint
that reloads."""

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.demos import digits

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURES = {"digits_curves.png", "digits_confusion.png", "digits_mistakes.png"}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Three epochs of the demo (a few seconds), what it printed and where it wrote."""
    folder = tmp_path_factory.mktemp("digits")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = digits.run(epochs=3, out=folder, progress=False)
    return result, printed.getvalue(), folder


def test_digits_learns_and_writes_figures_and_a_checkpoint(trained):
    result, printed, tmp_path = trained
    assert result["accuracy"] >= 0.85  # chance is 10%; 20 epochs reach >= 97%
    assert len(result["test_accuracies"]) == len(result["train_losses"]) == 3
    assert result["train_losses"][-1] < result["train_losses"][0]
    assert result["reloaded_accuracy"] == result["accuracy"]
    matrix = result["confusion_matrix"]
    assert matrix.shape == (10, 10) and matrix.sum() == 360
    assert np.trace(matrix) / 360 == result["accuracy"]
    assert {Path(p).name for p in result["figures"]} == FIGURES
    for name in FIGURES:
        assert (tmp_path / name).read_bytes()[:8] == PNG_MAGIC
    for name in (*FIGURES, "digits.pt"):
        assert str(tmp_path / name) in printed
    assert "test accuracy" in printed


def test_the_checkpoint_is_the_state_dict(trained):
    result, _, _ = trained
    model = digits.digits_cnn()
    state = ember.load(result["checkpoint"])
    assert list(state) == list(model.state_dict())
    model.load_state_dict(state)
    model.eval()
    image, _ = digits.make_datasets()[1][0]
    assert model(image.unsqueeze(0)).shape == (1, 10)


def test_the_training_images_are_shifted_the_test_images_not():
    train, test = digits.make_datasets()
    assert train[0][0].shape == test[0][0].shape == (1, 8, 8)
    draws = {tuple(train[0][0].flatten().tolist()) for _ in range(20)}
    assert len(draws) > 1
    assert np.array_equal(test[0][0].numpy(), test[0][0].numpy())
