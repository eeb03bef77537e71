"""Settings shared by every test."""

from hypothesis import settings

# A test's first torch call pays for torch's lazy initialisation, far past hypothesis's 200 ms
# default deadline; a slow example is not a failure here, a wrong one is.
settings.register_profile("ember", deadline=None)
settings.load_profile("ember")
