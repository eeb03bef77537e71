"""Draw an autograd graph with Graphviz, in micrograd's look.

Every value is a record box `name | data 1.0000 | grad 0.0000`; the op that made it is a small
ellipse feeding it, so edges run input -> op -> result. A Tensor graph's ops (`grad_fn` nodes)
are grey boxes, as torchviz draws them. `to_dot` needs nothing but ember;
`draw_dot` returns a `graphviz.Digraph` (Jupyter shows it inline) and needs the optional
`graphviz` package (`pip install 'ember[demo]'`); `render` writes an image file and also needs
Graphviz's `dot` program.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from .graph import Graph, GraphAdapter, NodeInfo, walk

if TYPE_CHECKING:
    import graphviz

RANKDIRS = ("LR", "RL", "TB", "BT")
_NAME = "ember"
_OP_ATTRS = "shape=ellipse fontsize=10 height=0.3 margin=0.04"
_FN_ATTRS = "shape=box style=filled fillcolor=lightgrey fontsize=10 height=0.2"

_INSTALL_DOT = (
    "Graphviz's `dot` program was not found on PATH; rendering a graph needs it. Install it with "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install -c conda-forge graphviz`, or see https://graphviz.org/download/. "
    "ember.viz.to_dot() works without it."
)


class DotNotFoundError(RuntimeError):
    """Graphviz's `dot` executable is not installed (or not on PATH)."""


_SPECIAL = re.compile(r'[\\"{}|<>]|[^\S ]')  # all `_escape` rewrites


def _escape(text: str, record: bool = False) -> str:
    """`text` for inside a DOT quoted label, shown literally.

    In a record label `{ } | < >` are syntax and get a backslash too. Newlines break the line;
    other whitespace shows as a space (graphviz collapses runs of spaces in records).
    """
    if not _SPECIAL.search(text):
        return text
    out = []
    for ch in text:
        if ch in '\\"' or (record and ch in "{}|<>"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(" " if ch.isspace() else ch)
    return "".join(out)


def _node_line(i: int, info: NodeInfo) -> str:
    if info.kind == "value":
        label = "{ " + " | ".join(_escape(f, record=True) for f in info.fields) + " }"
        attrs = "shape=record"
    else:
        label = _escape(info.fields[0] if info.fields else "")
        attrs = _OP_ATTRS if info.kind == "op" else _FN_ATTRS
    dashed = " style=dashed" if info.constant else ""
    return f'\tn{i} [label="{label}" {attrs}{dashed}]\n'


def _body(graph: Graph) -> list[str]:
    """The DOT statements of the graph, one line each (with its newline)."""
    lines = [_node_line(i, info) for i, info in enumerate(graph.nodes)]
    lines.extend(f"\tn{src} -> n{dst}\n" for src, dst in graph.edges)
    return lines


def _check_rankdir(rankdir: str) -> str:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    return rankdir


def to_dot(
    root: Any,
    rankdir: str = "LR",
    adapter: Optional[GraphAdapter] = None,
    params: Optional[Mapping[str, Any]] = None,
) -> str:
    """The graph that computed `root` as DOT text (no dependency needed).

    `root` is a Value or a Tensor (or any node with a registered adapter), or a list of them;
    `rankdir` is "LR" (inputs on the left), "TB", "RL" or "BT"; `params` names values, e.g.
    `dict(model.named_parameters())` (see `walk`). Feed the text to `dot -Tsvg` or any viewer.

    >>> from ember import Value
    >>> to_dot(Value(2.0, name="x")).splitlines()[2].strip()
    'n0 [label="{ x | data 2.0000 | grad 0.0000 }" shape=record]'
    """
    rankdir = _check_rankdir(rankdir)
    body = "".join(_body(walk(root, adapter, params)))
    return f"digraph {_NAME} {{\n\tgraph [rankdir={rankdir}]\n{body}}}\n"


def _graphviz() -> Any:
    """The `graphviz` package, imported on first use so that ember.viz works without it."""
    try:
        import graphviz
    except ImportError as err:
        raise ImportError(
            "drawing with Graphviz needs the `graphviz` Python package: pip install 'ember[demo]' "
            "(or pip install graphviz). ember.viz.to_dot() works without it."
        ) from err
    return graphviz


def draw_dot(
    root: Any,
    rankdir: str = "LR",
    format: str = "svg",
    adapter: Optional[GraphAdapter] = None,
    params: Optional[Mapping[str, Any]] = None,
) -> graphviz.Digraph:
    """The graph that computed `root` as a `graphviz.Digraph`, micrograd's `draw_dot`.

    Jupyter displays the result; `.render(...)` or `.pipe(...)` turn it into an image (that needs
    the `dot` program: see `render`). Its `.source` equals `to_dot(root, rankdir, adapter, params)`.
    Raises ImportError naming `pip install 'ember[demo]'` when the graphviz package is missing.
    """
    graphviz = _graphviz()
    return graphviz.Digraph(
        name=_NAME,
        format=format,
        graph_attr={"rankdir": _check_rankdir(rankdir)},
        body=_body(walk(root, adapter, params)),
    )


def _pipe(digraph: graphviz.Digraph, format: str) -> bytes:
    """Run `dot` on the graph; a missing program becomes a `DotNotFoundError` saying how to
    install it."""
    graphviz = _graphviz()
    try:
        return digraph.pipe(format=format)
    except graphviz.ExecutableNotFound as err:
        raise DotNotFoundError(_INSTALL_DOT) from err


def render(
    root: Any,
    path: Union[str, Path],
    format: Optional[str] = None,
    rankdir: str = "LR",
    adapter: Optional[GraphAdapter] = None,
    params: Optional[Mapping[str, Any]] = None,
) -> Path:
    """Draw the graph that computed `root` into the image file `path`, and return the path.

    `format` is any Graphviz output format ("png", "svg", "pdf"...); by default the path's
    suffix, else "png". Only that one file is written (no `.gv` file beside it).
    Raises ImportError when the graphviz package is missing and `DotNotFoundError` (a
    RuntimeError) when the `dot` program is.
    """
    path = Path(path)
    format = format or path.suffix.lstrip(".").lower() or "png"
    image = _pipe(draw_dot(root, rankdir, format, adapter, params), format)
    path.write_bytes(image)
    return path
