"""`ember.cuda`: the probes a training script makes before picking a device. ember has no CUDA."""


def is_available() -> bool:
    """False: ember runs on the CPU only."""
    return False


def device_count() -> int:
    """0: ember sees no CUDA devices."""
    return 0
