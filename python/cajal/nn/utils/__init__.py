"""cajal.nn.utils, as torch.nn.utils."""

from . import rnn

__all__ = ["rnn"]
