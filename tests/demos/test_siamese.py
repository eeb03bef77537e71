"""The siamese demo, run short: on Digits pairs by default, on an ImageFolder of "faces" the
test writes (digits in person_<k> folders) with --root."""

from pathlib import Path

import pytest

from ember.cli import main
from ember.demos import siamese
from ember.demos import MissingDataError

from .images import write_image_folder

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURES = {"siamese_curves.png", "siamese_embedding.png"}


def test_siamese_learns_digit_pairs_in_one_epoch(tmp_path, capsys):
    result = siamese.run(epochs=1, out=tmp_path, progress=False)
    assert result["accuracy"] >= 0.7  # chance is 50%; about 80% after one epoch, 90% after 10
    assert result["threshold"] > 0
    assert result["pair_accuracies"]["test"] == [result["accuracy"]]
    assert {Path(p).name for p in result["figures"]} == FIGURES
    for name in FIGURES:
        assert (tmp_path / name).read_bytes()[:8] == PNG_MAGIC
    printed = capsys.readouterr().out
    assert "pair accuracy" in printed and str(tmp_path / "siamese_embedding.png") in printed


def test_siamese_takes_an_image_folder_of_faces(tmp_path):
    faces = write_image_folder(tmp_path / "faces", classes=4, per_class=30)
    result = siamese.run(epochs=8, root=faces, out=tmp_path / "out", progress=False)
    assert result["classes"] == ["person_0", "person_1", "person_2", "person_3"]
    assert result["accuracy"] >= 0.75  # chance is 50%; 91-94% over seeds 0-2
    assert result["train_losses"][-1] < result["train_losses"][0]
    assert FIGURES <= {path.name for path in (tmp_path / "out").iterdir()}


def test_the_embedding_may_be_wider_than_the_drawing(tmp_path):
    faces = write_image_folder(tmp_path / "faces", classes=3, per_class=10)
    result = siamese.run(epochs=1, root=faces, out=tmp_path, progress=False, embedding_dim=5)
    assert (tmp_path / "siamese_embedding.png").read_bytes()[:8] == PNG_MAGIC
    assert 0 <= result["accuracy"] <= 1


def test_a_missing_folder_says_what_is_expected(tmp_path, capsys):
    with pytest.raises(MissingDataError, match="<person>"):
        siamese.run(epochs=1, root=tmp_path / "nowhere", out=tmp_path, progress=False)
    assert main(["demo", "siamese", "--root", str(tmp_path / "nowhere"), "--no-progress"]) == 1
    assert "ImageFolder" in capsys.readouterr().err
    assert main(["demo", "siamese", "--download"]) == 2
    assert "takes no --download" in capsys.readouterr().err
