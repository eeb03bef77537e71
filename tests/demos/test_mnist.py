"""The mnist demo end to end on small MNIST files the test writes (Digits enlarged to 28x28),
and what it says when the files are missing."""

import subprocess
import sys

import pytest

from ember.cli import main
from ember.demos import mnist
from ember.demos import MissingDataError
from ember.vision import datasets

from .images import write_mnist


def test_mnist_learns_from_idx_files(tmp_path, capsys):
    write_mnist(tmp_path, train_count=1000, test_count=200)
    result = mnist.run(epochs=5, root=tmp_path, out=tmp_path / "out", progress=False)
    assert result["accuracy"] >= 0.6  # chance is 10%; about 75% after these 5 short epochs
    assert result["reloaded_accuracy"] == result["accuracy"]
    assert result["confusion_matrix"].sum() == 200
    names = {"mnist_curves.png", "mnist_confusion.png", "mnist_mistakes.png", "mnist.pt"}
    assert names <= {path.name for path in (tmp_path / "out").iterdir()}
    assert str(tmp_path / "out" / "mnist.pt") in capsys.readouterr().out


def test_nptorchs_cnn_shapes():
    model = mnist.CNN()
    assert model.layer2[0].in_features == 64 * 3 * 3
    assert sum(p.numel() for p in model.parameters()) == 106_058  # nptorch's layer sizes


def test_missing_files_say_where_they_go_and_how_to_fetch_them(tmp_path):
    with pytest.raises(MissingDataError) as info:
        mnist.run(root=tmp_path, out=tmp_path / "out", progress=False)
    message = str(info.value)
    assert str(tmp_path / "MNIST" / "raw") in message
    for name, _ in datasets.MNIST.resources:
        assert name in message and datasets.MNIST.mirrors[0] + name in message
    assert "--download" in message
    assert not (tmp_path / "out").exists()


def test_the_command_prints_the_advice_without_a_traceback(tmp_path):
    command = [sys.executable, "-m", "ember", "demo", "mnist", "--root", str(tmp_path), "--no-progress"]
    finished = subprocess.run(command, capture_output=True, text=True)
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert finished.stderr.startswith("ember: MNIST could not be read from")
    assert "train-images-idx3-ubyte.gz" in finished.stderr


def test_a_failed_download_gives_the_same_advice(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"])  # nothing listens there
    assert main(["demo", "mnist", "--root", str(tmp_path), "--download", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "Error downloading train-images-idx3-ubyte.gz" in err
    assert "http://127.0.0.1:9/train-images-idx3-ubyte.gz" in err
