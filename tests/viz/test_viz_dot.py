"""to_dot's text, draw_dot's Digraph, render's files, and the errors that say what to install."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ember import Value
from ember.viz import DotNotFoundError, draw_dot, render, to_dot

NODE = re.compile(r'^\t(n\d+) \[label="(.*)" (shape=\w+)(.*)\]$')
EDGE = re.compile(r"^\t(n\d+) -> (n\d+)$")


def parse(dot: str) -> tuple[dict[str, tuple[str, str, str]], list[tuple[str, str]]]:
    """Node id -> (label, shape, other attributes), and the edges; any other body line fails."""
    lines = dot.splitlines()
    assert lines[0] == "digraph ember {" and lines[-1] == "}"
    nodes, edges = {}, []
    for line in lines[2:-1]:
        if m := NODE.match(line):
            nodes[m[1]] = (m[2], m[3], m[4])
        else:
            m = EDGE.match(line)
            assert m, f"unexpected DOT line {line!r}"
            edges.append((m[1], m[2]))
    return nodes, edges


def svg_texts(svg: bytes) -> list[str]:
    """The text drawn in an SVG, one string per line of text."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg.decode())]


def test_to_dot_lecture_expression_structure(lecture):
    dot = to_dot(lecture)
    assert dot.splitlines()[1] == "\tgraph [rankdir=LR]"
    nodes, edges = parse(dot)
    records = {label for label, shape, _ in nodes.values() if shape == "shape=record"}
    ops = sorted(label for label, shape, _ in nodes.values() if shape == "shape=ellipse")
    assert len(nodes) == 10 and len(edges) == 9
    assert ops == ["*", "*", "+"]
    assert records == {
        "{ a | data 2.0000 | grad 6.0000 }",
        "{ b | data -3.0000 | grad -4.0000 }",
        "{ c | data 10.0000 | grad -2.0000 }",
        "{ d | data 4.0000 | grad -2.0000 }",
        "{ e | data -6.0000 | grad -2.0000 }",
        "{ f | data -2.0000 | grad 4.0000 }",
        "{ L | data -8.0000 | grad 1.0000 }",
    }
    for src, dst in edges:  # child -> op -> result: every edge has an op at exactly one end
        assert (nodes[src][1] == "shape=ellipse") != (nodes[dst][1] == "shape=ellipse")
    into_L = [src for src, dst in edges if nodes[dst][0].startswith("{ L ")]
    assert [nodes[s][0] for s in into_L] == ["*"]


def test_to_dot_rankdir_and_constants():
    x = Value(1.0, name="x")
    y = x * 2
    nodes, _ = parse(to_dot(y))
    dashed = [label for label, _, attrs in nodes.values() if "style=dashed" in attrs]
    assert dashed == ["{  | data 2.0000 | grad 0.0000 }"]
    assert to_dot(y, rankdir="TB").splitlines()[1] == "\tgraph [rankdir=TB]"
    with pytest.raises(ValueError, match="rankdir must be one of LR, RL, TB, BT, got 'up'"):
        to_dot(y, rankdir="up")


def test_to_dot_escapes_record_syntax_and_quotes():
    v = Value(1.0, name='a"b|<c> {d} e\\f')
    label = parse(to_dot(v))[0]["n0"][0]
    assert label == '{ a\\"b\\|\\<c\\> \\{d\\} e\\\\f | data 1.0000 | grad 0.0000 }'
    w = -v
    w.op = 'op"<x>|\\'
    op_label = [lbl for lbl, shape, _ in parse(to_dot(w))[0].values() if shape == "shape=ellipse"]
    assert op_label == ['op\\"<x>|\\\\']  # plain labels escape only quotes and backslashes


ODD_NAMES = ['a"b', "x<y>", "p|q", "{z}", "back\\slash", "end\\", "\\n", '\\"q', "<b>x</b>", "&amp"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_names_are_drawn_literally(graphviz_installed, name):
    v = Value(1.0, name=name)
    op = -v
    op.op = name
    texts = svg_texts(draw_dot(op).pipe(format="svg"))
    assert texts.count(name) == 2  # once in the record box, once as the op
    assert texts.count("data 1.0000") == 1 and texts.count("grad 0.0000") == 2


def test_newline_in_a_name_breaks_the_line(graphviz_installed):
    texts = svg_texts(draw_dot(Value(1.0, name="top\nbottom")).pipe(format="svg"))
    assert texts == ["top", "bottom", "data 1.0000", "grad 0.0000"]


def test_draw_dot_returns_a_digraph_with_the_same_source(lecture):
    graphviz = pytest.importorskip("graphviz")
    g = draw_dot(lecture, rankdir="TB", format="png")
    assert isinstance(g, graphviz.Digraph)
    assert g.format == "png"
    assert g.source == to_dot(lecture, rankdir="TB")


@pytest.mark.parametrize(
    ("filename", "fmt", "magic"),
    [("g.png", None, b"\x89PNG\r\n\x1a\n"), ("g.svg", None, b"<?xml"), ("g.out", "svg", b"<?xml")],
)
def test_render_writes_one_image_file(graphviz_installed, lecture, tmp_path, filename, fmt, magic):
    path = render(lecture, tmp_path / filename, format=fmt)
    assert path == tmp_path / filename
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [filename]


def test_render_svg_contains_every_label(graphviz_installed, lecture, tmp_path):
    texts = svg_texts(render(lecture, str(tmp_path / "g.svg")).read_bytes())
    assert {"a", "b", "L", "data -8.0000", "grad 6.0000", "+"} <= set(texts)
    assert texts.count("*") == 2


def test_missing_dot_program_says_how_to_install_it(
    graphviz_installed, lecture, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` on PATH
    g = draw_dot(lecture)  # building the Digraph needs no dot program
    assert "digraph ember" in g.source
    with pytest.raises(DotNotFoundError) as info:
        render(lecture, tmp_path / "g.png")
    assert isinstance(info.value, RuntimeError)
    message = str(info.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install"):
        assert hint in message
    assert not (tmp_path / "g.png").exists()


def test_missing_graphviz_package_says_pip_install_ember_demo(lecture, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    with pytest.raises(ImportError, match=re.escape("pip install 'ember[demo]'")):
        draw_dot(lecture)
    with pytest.raises(ImportError, match=re.escape("pip install 'ember[demo]'")):
        render(lecture, tmp_path / "g.png")
    assert len(parse(to_dot(lecture))[0]) == 10  # DOT text needs no package


def test_importing_ember_viz_does_not_import_graphviz():
    code = (
        "import sys; sys.modules['graphviz'] = None\n"
        "import ember.viz\n"
        "from ember import Value\n"
        "print(ember.viz.to_dot(Value(3.0, name='x')).splitlines()[2].strip())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'n0 [label="{ x | data 3.0000 | grad 0.0000 }" shape=record]\n'


def test_to_dot_of_a_100k_chain():
    y = Value(1.0, name="x")
    for _ in range(100_000):
        y = -y
    dot = to_dot(y)
    assert dot.count(" [label=") == 200_001 and dot.count(" -> ") == 200_000


def test_render_accepts_path_objects_and_strings(graphviz_installed, tmp_path):
    out = render(Value(1.0), str(tmp_path / "leaf.svg"))
    assert isinstance(out, Path) and out.exists()
