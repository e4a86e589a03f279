"""torch.backends for the parts that exist on a CPU engine."""

from . import cpu, cudnn, mkldnn

__all__ = ["cpu", "cudnn", "mkldnn"]
