"""Settings shared by every test: hypothesis's profile, a fixed seed, no network but 127.0.0.1
(a local `http_server` stands in for the internet)."""

from typing import Iterator

import pytest
from hypothesis import settings

import ember
from local_http import Server, block_other_hosts, serving

# A test's first torch call pays for torch's lazy initialisation, far past hypothesis's 200 ms
# default deadline; a slow example is not a failure here, a wrong one is.
settings.register_profile("ember", deadline=None)
settings.load_profile("ember")


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Each test starts from the same seed: ember's default generator is seeded from the OS's
    entropy at import (as torch's is), so an unseeded draw would differ from run to run."""
    ember.manual_seed(0)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection or name lookup for any address but the loopback one fails at once."""
    block_other_hosts(monkeypatch)


@pytest.fixture
def http_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A local HTTP server (`local_http.Server`); a download from it gives up after 5 s of silence."""
    monkeypatch.setattr(ember._download, "TIMEOUT_S", 5.0)
    with serving() as server:
        yield server
