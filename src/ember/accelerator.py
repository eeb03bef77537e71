"""`ember.accelerator`: torch's device-agnostic probe; ember has no accelerator."""

from typing import Optional

from ._device import device


def is_available() -> bool:
    """False: ember runs on the CPU only."""
    return False


def current_accelerator() -> Optional[device]:
    """None, as torch returns when no accelerator is present."""
    return None
