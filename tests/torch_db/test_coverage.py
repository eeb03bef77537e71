"""The harness against the committed docs/torch-coverage.md: a status that changed fails (an entry
that passed and now fails is a regression; one that now passes means the page is out of date),
and every entry the page lists as passing has a test of its own, so a regression shows by name."""

from typing import Optional

import pytest

from torch_db.outcome import PASS
from torch_db.report import DOC, read_statuses
from torch_db.runner import KINDS, by_name, run_all

_RERUN = "rerun `PYTHONPATH=src python scripts/torch_coverage.py` and commit docs/torch-coverage.md"
_PASSING = [(kind, name) for kind, statuses in read_statuses(DOC.read_text()).items()
            for name, status in statuses.items() if status == PASS]
_run: Optional[dict] = None


def _outcomes() -> dict:
    """{kind: {name: Outcome}} of one harness run, shared by every test in this file."""
    global _run
    if _run is None:
        outcomes, _, _ = run_all()
        _run = {kind: by_name(outcomes[kind]) for kind in KINDS}
    return _run


def test_statuses_match_the_committed_page() -> None:
    committed = read_statuses(DOC.read_text())
    changes = []
    for kind in KINDS:
        now = {name: outcome.status for name, outcome in _outcomes()[kind].items()}
        for name in sorted(set(now) | set(committed[kind])):
            before, after = committed[kind].get(name, "absent"), now.get(name, "absent")
            if before != after:
                detail = _outcomes()[kind][name].detail if name in now else ""
                changes.append(f"{kind[:-1]} {name} is now {after} (page: {before}) {detail}".rstrip())
    assert not changes, f"{len(changes)} statuses changed ({_RERUN}):\n" + "\n".join(changes)


@pytest.mark.parametrize(("kind", "name"), _PASSING, ids=[f"{k}:{n}" for k, n in _PASSING])
def test_passing_entry_still_passes(kind: str, name: str) -> None:
    outcome = _outcomes()[kind].get(name)
    assert outcome is not None, f"{name} is no longer in torch's {kind} database ({_RERUN})"
    assert outcome.status == PASS, f"{name} is now {outcome.status}: {outcome.detail}"
