"""The scalar engine: micrograd's `Value` and its small neural-network library, made fast."""

from .value import Value

__all__ = ["Value"]
