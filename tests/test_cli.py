"""The `ember` command, called in-process through main() and as `python -m ember`."""

import html
import shutil
import subprocess
import sys

import ember
from ember.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"ember {ember.__version__}\n"
    assert ember.__version__ == "0.1.0"


def test_demo_parity(tmp_path, capsys):
    out = tmp_path / "figs"
    assert main(["demo", "parity", "--epochs", "200", "--seed", "1", "--out", str(out), "--no-progress"]) == 0
    assert (out / "parity.png").is_file()
    assert "accuracy" in capsys.readouterr().out


def test_demo_moons(tmp_path):
    assert main(["demo", "moons", "--epochs", "2", "--out", str(tmp_path), "--no-progress"]) == 0
    assert (tmp_path / "decision_boundary.png").is_file()
    assert (tmp_path / "loss.png").is_file()


def test_usage_errors(capsys):
    assert main([]) == 2
    assert main(["demo", "nope"]) == 2
    assert main(["demo", "adder", "--epochs", "0"]) == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_help_lists_demos(capsys):
    assert main(["demo", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert all(name in help_text for name in ("moons", "adder", "parity", "digits", "mnist", "siamese"))
    assert "--root DIR" in help_text and "--download" in help_text


def test_data_options_go_only_to_the_demos_that_take_them(capsys):
    assert main(["demo", "moons", "--root", "data"]) == 2
    assert main(["demo", "digits", "--download"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ember: demo moons takes no --root", "ember: demo digits takes no --download"
    ]


def test_python_dash_m(tmp_path):
    version = subprocess.run(
        [sys.executable, "-m", "ember", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == "ember 0.1.0"
    demo = subprocess.run(
        [sys.executable, "-m", "ember", "demo", "adder", "--epochs", "50", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "adder.png").is_file()
    assert str(tmp_path / "adder.png") in demo.stdout


def _drawn(path) -> str:
    """The text of a drawn graph: SVG when Graphviz's `dot` is on PATH, else the HTML fallback."""
    text = html.unescape(path.read_text())
    if path.suffix == ".svg":
        assert text.lstrip().startswith("<?xml") and "<svg" in text
    else:
        assert "digraph" in text
    return text


def _graph_file(tmp_path, stem: str):
    """Where `ember graph` should write on this machine: an SVG with `dot`, an HTML page without."""
    return tmp_path / (f"{stem}.svg" if shutil.which("dot") else f"{stem}.html")


def test_graph_draws_the_neurons_gradients(tmp_path, capsys):
    assert main(["graph", "--out", str(tmp_path)]) == 0
    path = _graph_file(tmp_path, "graph")
    captured = capsys.readouterr()
    assert captured.out == f"saved {path}\n"
    assert ("graphviz" in captured.err.lower()) == (path.suffix == ".html")
    text = _drawn(path)
    for label in ("grad -1.5000", "data 0.7071", "grad 1.0000", "tanh"):
        assert label in text


def test_graph_falls_back_to_html_without_dot(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["graph", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"saved {tmp_path / 'graph.html'}\n"
    assert "graphviz" in captured.err.lower()
    assert "digraph" in (tmp_path / "graph.html").read_text()


TENSOR_GRAPH_LABELS = (
    "0.weight", "(4, 2)", "0.bias", "(4)", "2.weight", "(1, 4)", "2.bias", "(1)",
    "AccumulateGrad", "TanhBackward0", "MseLossBackward0",
)


def test_graph_tensor_draws_the_mlp_loss_with_named_parameters(tmp_path, capsys):
    assert main(["graph", "--tensor", "--out", str(tmp_path)]) == 0
    path = _graph_file(tmp_path, "tensor_graph")
    assert capsys.readouterr().out == f"saved {path}\n"
    text = _drawn(path)
    assert not (tmp_path / "graph.svg").exists() and not (tmp_path / "graph.html").exists()
    for label in TENSOR_GRAPH_LABELS:
        assert label in text


def test_graph_tensor_falls_back_to_html_without_dot(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["graph", "--tensor", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"saved {tmp_path / 'tensor_graph.html'}\n"
    page = html.unescape((tmp_path / "tensor_graph.html").read_text())
    assert "digraph" in page
    for label in TENSOR_GRAPH_LABELS:
        assert label in page
