"""ember.utils: data loading (ember.utils.data) and hook handles (ember.utils.hooks)."""

import importlib
from types import ModuleType


def __getattr__(name: str) -> ModuleType:
    """Load ember.utils.data on first use, so `import ember` alone reaches `ember.utils.data`
    (as with torch) without importing it while ember itself is still loading."""
    if name == "data":
        return importlib.import_module(".data", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
