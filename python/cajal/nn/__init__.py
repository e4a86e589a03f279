"""cajal.nn: neural-network building blocks (so far the functional one_hot)."""

from . import functional

__all__ = ["functional"]
