"""`draw_html`: the graph as one self-contained HTML page (microtorch's `draw_to_html`).

The page embeds the SVG that Graphviz draws, so it opens in any browser with nothing beside it.
Without Graphviz (the `dot` program or the `graphviz` package) the page holds the DOT text
instead, with a note on how to get the picture.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from .dot import DotNotFoundError, _pipe, draw_dot, to_dot
from .graph import GraphAdapter

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
.graph svg {{ max-width: 100%; height: auto; }}
pre {{ background: #f6f6f6; padding: 1em; overflow: auto; }}
</style>
</head>
<body>
<h1>{title}</h1>
{content}
</body>
</html>
"""

_NO_GRAPHVIZ = (
    "<p>Graphviz was not available when this page was written ({reason}), so it shows the "
    "graph's DOT source. Paste it into any Graphviz viewer, or install Graphviz "
    "(<code>apt-get install graphviz</code>, <code>brew install graphviz</code> or "
    "<code>conda install -c conda-forge graphviz</code>, plus <code>pip install "
    "'ember[demo]'</code>) and draw the page again.</p>\n<pre>{dot}</pre>"
)


def _svg(
    root: Any, rankdir: str, adapter: Optional[GraphAdapter], params: Optional[Mapping[str, Any]]
) -> str:
    """The drawing as an inline `<svg>` element (the XML prolog and doctype dropped)."""
    svg = _pipe(draw_dot(root, rankdir, "svg", adapter, params), "svg").decode("utf-8")
    return svg[svg.index("<svg") :]


def draw_html(
    root: Any,
    path: Union[str, Path],
    rankdir: str = "LR",
    title: str = "ember graph",
    adapter: Optional[GraphAdapter] = None,
    params: Optional[Mapping[str, Any]] = None,
) -> Path:
    """Write the graph that computed `root` to `path` as a standalone HTML page; return the path.

    `params` names values, e.g. `dict(model.named_parameters())` (see `ember.viz.walk`).

    >>> from ember import Value
    >>> draw_html(Value(2.0) * 3, "graph.html")  # doctest: +SKIP
    PosixPath('graph.html')
    """
    path = Path(path)
    try:
        content = f'<div class="graph">\n{_svg(root, rankdir, adapter, params)}</div>'
    except (ImportError, DotNotFoundError) as err:
        missing = "graphviz Python package" if isinstance(err, ImportError) else "dot program"
        reason = f"the {missing} is missing"
        dot = html.escape(to_dot(root, rankdir, adapter, params))
        content = _NO_GRAPHVIZ.format(reason=reason, dot=dot)
    page = _PAGE.format(title=html.escape(title), content=content)
    path.write_text(page, encoding="utf-8")
    return path
