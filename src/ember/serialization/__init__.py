"""`ember.save` and `ember.load`: checkpoints in PyTorch's own zip format, readable by both libraries."""

from ._safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from .load import load
from .save import save

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load", "safe_globals", "save"]
