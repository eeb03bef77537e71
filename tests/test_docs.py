"""Every Python block in docs/ runs, in order, one namespace per page; where a plain block (the
output) follows a Python block directly, the block's printout must equal it (`0x...` stands
for any address)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n(?:\s*^```\n(.*?)^```\n)?", re.M | re.S)


def blocks(page: Path) -> list[tuple[str, str | None]]:
    """The page's Python blocks, each with the output block that directly follows it (or None)."""
    return [(m[2], m[3]) for m in _FENCE.finditer(page.read_text()) if m[1] == "python"]


def _matches(printed: str, expected: str) -> bool:
    pattern = ".*?".join(re.escape(part) for part in expected.split("0x..."))
    return re.fullmatch(pattern, printed, re.S) is not None


PAGES = sorted(p for p in DOCS.rglob("*.md") if blocks(p))


def test_the_docs_have_runnable_pages():
    assert DOCS / "walkthrough.md" in PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_runs_and_prints_what_it_shows(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__docs__"}
    for number, (code, expected) in enumerate(blocks(page), 1):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{page.name} block {number}", "exec"), namespace)
        if expected is not None:
            assert _matches(out.getvalue(), expected), f"block {number} printed:\n{out.getvalue()}"
