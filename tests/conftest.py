"""Settings shared by every test."""

import pytest
from hypothesis import settings

import ember

# A test's first torch call pays for torch's lazy initialisation, far past hypothesis's 200 ms
# default deadline; a slow example is not a failure here, a wrong one is.
settings.register_profile("ember", deadline=None)
settings.load_profile("ember")


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Each test starts from the same seed: ember's default generator is seeded from the OS's
    entropy at import (as torch's is), so an unseeded draw would differ from run to run."""
    ember.manual_seed(0)
