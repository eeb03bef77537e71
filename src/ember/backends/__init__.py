"""`ember.backends`: the backend probes a training script makes (`ember.backends.mps.is_available()`)."""

from . import mps

__all__ = ["mps"]
