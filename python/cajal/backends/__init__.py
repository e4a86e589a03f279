"""torch.backends for the parts that exist on a CPU engine."""

from . import cpu

__all__ = ["cpu"]
