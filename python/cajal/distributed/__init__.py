"""torch.distributed over MPI: the collectives of a job started by an MPI
launcher (`mpirun -np 2 python train.py`, `srun --mpi=pmix python train.py`).

Only backend="mpi" exists: the rank and world size come from the launcher,
so init_method, store, rank and world_size are not needed (given, they must
agree with it). The engine loads Open MPI at run time (Sources/CCajalPlatform/
mpi.c); a program that never calls init_process_group needs no MPI. One
process group, the world: `group=` accepts None (or WORLD) only. Collectives
run synchronously, except all_reduce(async_op=True), whose Work runs in the
background until wait(); the others' Work is already complete.
"""

from ctypes import byref, c_int32, c_int64, c_size_t, c_void_p

from .._constants import ReduceOperation
from .._ffi import check, lib

__all__ = ["Backend", "GroupMember", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor", "all_reduce",
           "barrier", "broadcast", "destroy_process_group", "get_backend", "get_rank", "get_world_size",
           "init_process_group", "is_available", "is_initialized", "is_mpi_available", "is_gloo_available",
           "is_nccl_available", "recv", "reduce_scatter", "send"]


class Backend(str):
    """The backend names torch knows; cajal runs "mpi"."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name):
        return str.__new__(cls, name.lower())


class ReduceOp:
    """dist.ReduceOp.SUM, AVG, PRODUCT, MIN, MAX."""

    SUM = ReduceOperation.SUM
    AVG = ReduceOperation.AVG
    PRODUCT = ReduceOperation.PRODUCT
    MIN = ReduceOperation.MIN
    MAX = ReduceOperation.MAX


class _World:
    """The one process group (dist.group.WORLD)."""

    def __repr__(self):
        return "<cajal.distributed world group>"


class GroupMember:
    WORLD = _World()
    NON_GROUP_MEMBER = -100


group = GroupMember


class Work:
    """What an async_op=True collective returns: all_reduce's runs in the
    background until wait(); the other collectives' are already complete."""

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True

    def is_success(self):
        return True


class _PendingAllReduce(Work):
    def __init__(self, number):
        self._number = number

    def wait(self, timeout=None):
        if self._number is not None:
            number, self._number = self._number, None
            check(lib.cajal_dist_work_wait(number))
        return True

    def is_completed(self):
        if self._number is None:
            return True
        done = c_int32()
        check(lib.cajal_dist_work_test(self._number, byref(done)))
        if done.value:
            self._number = None
        return bool(done.value)

    def __del__(self):
        try:
            self.wait()
        except Exception:  # noqa: BLE001 (MPI finalised: nothing left to wait for)
            pass


_NOT_INITIALIZED = "Default process group has not been initialized, please make sure to call init_process_group."


def is_available():
    """True: the package has the distributed API (MPI itself is found at init)."""
    return True


def is_mpi_available():
    return bool(lib.cajal_dist_is_available())


def is_gloo_available():
    return False


def is_nccl_available():
    return False


def is_initialized():
    return bool(lib.cajal_dist_is_initialized())


def is_torchelastic_launched():
    return False


def _require(group):
    if group is not None and group is not GroupMember.WORLD:
        raise NotImplementedError("cajal.distributed has one process group, the world: pass group=None")
    if not is_initialized():
        raise ValueError(_NOT_INITIALIZED)


def _done(async_op):
    return Work() if async_op else None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Joins the MPI job's process group. backend must be "mpi" (or None)."""
    name = "mpi" if backend is None else str(backend).lower()
    if name != "mpi":
        raise NotImplementedError(
            f"cajal.distributed runs on MPI only: backend={backend!r} is not supported. Use backend='mpi' and start "
            "the processes with mpirun or srun (see the README's cluster section)")
    if is_initialized():
        raise ValueError("trying to initialize the default process group twice!")
    check(lib.cajal_dist_init())
    if world_size not in (-1, None) and world_size != get_world_size():
        raise ValueError(f"init_process_group: world_size={world_size}, but MPI started {get_world_size()} processes")
    if rank not in (-1, None) and rank != get_rank():
        raise ValueError(f"init_process_group: rank={rank}, but MPI gave this process rank {get_rank()}")


def destroy_process_group(group=None):
    """Leaves the process group (MPI_Finalize): it cannot be joined again in this process."""
    _require(group)
    check(lib.cajal_dist_finalize())


def get_backend(group=None):
    _require(group)
    return Backend.MPI


def get_rank(group=None):
    _require(group)
    out = c_int32()
    check(lib.cajal_dist_rank(byref(out)))
    return out.value


def get_world_size(group=None):
    _require(group)
    out = c_int32()
    check(lib.cajal_dist_world_size(byref(out)))
    return out.value


def barrier(group=None, async_op=False, device_ids=None):
    _require(group)
    check(lib.cajal_dist_barrier())
    return _done(async_op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces the tensor over every rank, in place on each."""
    _require(group)
    if async_op:
        number = c_int64()
        check(lib.cajal_dist_all_reduce_start(tensor._handle, int(op), byref(number)))
        return _PendingAllReduce(number.value)
    check(lib.cajal_dist_all_reduce(tensor._handle, int(op)))


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copies rank src's tensor into every rank's, in place."""
    _require(group)
    src = group_src if src is None else src
    if src is None:
        raise TypeError("broadcast() missing the source rank: src")
    check(lib.cajal_dist_broadcast(tensor._handle, src))
    return _done(async_op)


def _gather(tensor):
    from .._tensor import _wrap

    size = get_world_size()
    outs = (c_void_p * size)()
    count = c_size_t()
    check(lib.cajal_dist_all_gather(tensor._handle, outs, size, byref(count)))
    return [_wrap(outs[i]) for i in range(count.value)]


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Every rank's tensor into tensor_list (world_size tensors of its shape), in rank order."""
    _require(group)
    size = get_world_size()
    if len(tensor_list) != size:
        raise ValueError(f"all_gather: tensor_list must hold world_size ({size}) tensors, got {len(tensor_list)}")
    for i, (target, piece) in enumerate(zip(tensor_list, _gather(tensor))):
        if tuple(target.shape) != tuple(piece.shape):
            raise ValueError(f"all_gather: tensor_list[{i}] has shape {tuple(target.shape)}, the tensor {tuple(piece.shape)}")
        with _no_grad():
            target.copy_(piece)
    return _done(async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """The ranks' inputs concatenated along dim 0 (or stacked, for an output of world_size x input's shape)."""
    _require(group)
    import cajal

    pieces = _gather(input_tensor)
    joined = cajal.stack(pieces) if output_tensor.dim() == input_tensor.dim() + 1 else cajal.cat(pieces)
    if tuple(joined.shape) != tuple(output_tensor.shape):
        raise ValueError(f"all_gather_into_tensor: output_tensor has shape {tuple(output_tensor.shape)}, "
                         f"expected {tuple(joined.shape)}")
    with _no_grad():
        output_tensor.copy_(joined)
    return _done(async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """input_list[r], reduced over the ranks, lands in rank r's output."""
    _require(group)
    handles = (c_void_p * max(len(input_list), 1))(*[t._handle for t in input_list])
    check(lib.cajal_dist_reduce_scatter(output._handle, handles, len(input_list), int(op)))
    return _done(async_op)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    _require(group)
    dst = group_dst if dst is None else dst
    check(lib.cajal_dist_send(tensor._handle, dst, tag))


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into tensor from rank src (None: any rank); returns the sender's rank."""
    _require(group)
    src = group_src if src is None else src
    sender = c_int32()
    check(lib.cajal_dist_recv(tensor._handle, -1 if src is None else src, tag, byref(sender)))
    return sender.value


def _no_grad():
    from ..autograd import no_grad

    return no_grad()
