"""`ember.save` and `ember.load`: checkpoints in PyTorch's own zip format, readable by both libraries."""

from .load import load
from .save import save

__all__ = ["load", "save"]
