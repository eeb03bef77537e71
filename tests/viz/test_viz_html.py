"""draw_html: a standalone page with the SVG inline, or the DOT text when Graphviz is missing."""

from __future__ import annotations

import html
import sys

from ember import Value
from ember.viz import draw_html


def test_draw_html_embeds_the_svg(graphviz_installed, lecture, tmp_path, capsys):
    path = draw_html(lecture, tmp_path / "graph.html")
    assert path == tmp_path / "graph.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<svg") == 1 and "</svg>" in page
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page  # inline, not a file's prolog
    text = html.unescape(page)  # dot writes "-" as "&#45;"
    assert ">grad 6.0000</text>" in text and ">data -8.0000</text>" in text
    assert page.count('class="node"') == 10 and page.count('class="edge"') == 9
    assert capsys.readouterr() == ("", "")  # prints nothing


def test_draw_html_escapes_the_title_and_labels(graphviz_installed, tmp_path):
    path = draw_html(Value(1.0, name="<i>&"), str(tmp_path / "g.html"), title="a <b> & c")
    page = path.read_text()
    assert "<title>a &lt;b&gt; &amp; c</title>" in page
    assert ">&lt;i&gt;&amp;</text>" in page


def test_draw_html_without_dot_program_embeds_the_dot_text(lecture, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` on PATH
    page = draw_html(lecture, tmp_path / "g.html").read_text()
    assert "<svg" not in page
    assert "dot program is missing" in page and "apt-get install graphviz" in page
    assert html.escape('n0 [label="{ L | data -8.0000 | grad 1.0000 }" shape=record]') in page
    assert page.count(" -&gt; ") == 9


def test_draw_html_without_graphviz_package_embeds_the_dot_text(lecture, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    page = draw_html(lecture, tmp_path / "g.html").read_text()
    assert "<svg" not in page
    assert "graphviz Python package is missing" in page and "ember[demo]" in page
    assert "digraph ember {" in page
