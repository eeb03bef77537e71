"""Each demo, run short: it learns, and it writes its figures."""

import sys
from pathlib import Path

import pytest

from ember import demos
from ember.demos import _common, adder, moons, parity

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_pngs(paths: list, folder: Path, names: set[str]) -> None:
    assert {Path(p).name for p in paths} == names
    for name in names:
        path = folder / name
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_moons_learns_and_plots(tmp_path, capsys):
    result = moons.run(steps=15, out=tmp_path, progress=False)
    assert len(result["losses"]) == 15
    assert result["loss"] < 0.5 * result["losses"][0]
    assert result["accuracy"] >= 0.9
    assert result["seconds_per_step"] > 0
    assert_pngs(result["figures"], tmp_path, {"decision_boundary.png", "loss.png"})
    printed = capsys.readouterr().out
    assert "accuracy" in printed and str(tmp_path / "loss.png") in printed


def test_moons_svm_loss_is_micrograds():
    from ember.scalar.nn import MLP

    X, y = moons.make_data(seed=0)
    assert len(X) == 100 and set(y) == {-1, 1}
    model = MLP(2, [16, 16, 1], seed=0)
    loss, accuracy = moons.svm_loss(model, X, y)
    scores = [model(x).data for x in X]
    hinge = sum(max(0.0, 1 - yi * s) for yi, s in zip(y, scores)) / len(X)
    l2 = 1e-4 * sum(p.data**2 for p in model.parameters())
    assert loss.data == pytest.approx(hinge + l2, rel=1e-12)
    assert accuracy == sum((yi > 0) == (s > 0) for yi, s in zip(y, scores)) / len(X)


def test_adder_reaches_99_percent_in_500_samples(tmp_path):
    result = adder.run(samples=500, out=tmp_path, progress=False, eval_every=100)
    assert result["accuracies"][0] < 0.5
    assert result["accuracy"] >= 0.99
    assert result["samples_to_99"] is not None and result["samples_to_99"] <= 500
    assert result["seen"] == [0, 100, 200, 300, 400, 500]
    assert_pngs(result["figures"], tmp_path, {"adder.png"})


def test_adder_samples_cover_every_count():
    import random

    rng = random.Random(0)
    samples = [adder.make_sample(rng) for _ in range(500)]
    assert all(sum(bits) == count and len(bits) == 10 for bits, count in samples)
    assert {count for _, count in samples} == set(range(11))


def test_adder_is_reproducible(tmp_path):
    a = adder.run(samples=60, seed=3, out=tmp_path, progress=False, eval_every=60)
    b = adder.run(samples=60, seed=3, out=tmp_path, progress=False, eval_every=60)
    c = adder.run(samples=60, seed=4, out=tmp_path, progress=False, eval_every=60)
    assert a["weights"] == b["weights"] != c["weights"]


def test_parity_reaches_100_percent(tmp_path):
    result = parity.run(samples=3000, out=tmp_path, progress=False, eval_every=500)
    assert result["accuracy"] == 1.0
    assert result["loss"] < result["losses"][0]
    assert_pngs(result["figures"], tmp_path, {"parity.png"})


def test_registry():
    assert {"moons", "adder", "parity", "digits", "mnist", "siamese"} <= set(demos.DEMOS)
    assert demos.load("parity") is parity
    with pytest.raises(ValueError, match="unknown demo 'nope'"):
        demos.load("nope")


def test_missing_extra_says_how_to_install(monkeypatch, tmp_path):
    with pytest.raises(ImportError, match=r"pip install 'ember\[demo\]'"):
        _common.require("ember_no_such_package")
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"need sklearn: pip install 'ember\[demo\]'"):
        moons.run(steps=1, out=tmp_path, progress=False)
