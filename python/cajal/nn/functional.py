"""cajal.nn.functional, as torch.nn.functional."""

from .._ffi import lib
from .._tensor import _call


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot rows in a new last dim."""
    return _call(lib.cajal_tensor_one_hot, tensor._handle, num_classes)
