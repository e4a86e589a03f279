"""torch.nn.parallel: DistributedDataParallel over cajal.distributed (MPI)."""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
