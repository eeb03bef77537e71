"""`ember.vision.datasets`: torchvision's datasets on ember."""

from .digits import Digits

__all__ = ["Digits"]
