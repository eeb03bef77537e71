"""`uncached_pillow` lets a test hide Pillow from ember.vision. (Every test runs offline:
tests/conftest.py lets them reach 127.0.0.1 only.)"""

import pytest

from ember.vision._pil import pil_image


@pytest.fixture
def uncached_pillow():
    """Forget the Pillow module that ember.vision looked up, before and after the test."""
    pil_image.cache_clear()
    yield
    pil_image.cache_clear()
