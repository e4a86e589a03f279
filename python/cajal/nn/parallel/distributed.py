"""DistributedDataParallel: data-parallel training over MPI, as torch's DDP.

At wrap time rank 0's parameters and buffers are broadcast to every rank.
Each backward, the gradients are averaged across the ranks in buckets of
about bucket_cap_mb (torch's 25 MB; parameters in reverse order, as the
backward produces them), one flat all-reduce per bucket, so every rank gets
the same bits. Each parameter's hook sees its whole gradient (the engine sums
a leaf's gradients before its hooks, as torch's does); when the last one of a
bucket arrives, that bucket's all-reduce starts in the background while the
backward goes on, and later hooks drive MPI's progress. A callback queued on
the engine (autograd's queue_callback, as torch's DDP does) waits for them
once the backward is over and writes the averages into .grad. A bucket whose
parameters already held gradients (accumulated under no_sync(), or not
zeroed) is reduced there instead, from the accumulated totals.

A parameter without a gradient on some rank is an error naming it, unless
find_unused_parameters=True (then every bucket is reduced after the backward,
the missing gradient counting as zeros; one left without a gradient on every
rank stays None). A model whose ranks leave different parameters unused
without find_unused_parameters=True may hang, as in torch. Not here: several
process groups, devices, comm hooks.
"""

import contextlib

from ... import distributed as dist
from ..._creation import zeros
from ...autograd import Variable, no_grad
from ..modules.module import Module

_MB = 1024 * 1024


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None):
        super().__init__()
        if process_group is not None and process_group is not dist.GroupMember.WORLD:
            raise NotImplementedError("DistributedDataParallel: cajal has one process group, the world")
        if not dist.is_initialized():
            raise ValueError(dist._NOT_INITIALIZED)
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * _MB)
        named = [(name, p) for name, p in module.named_parameters() if p.requires_grad]
        self._ddp_parameter_names = {id(p): name for name, p in named}
        self._ddp_buckets = self._make_buckets([p for _, p in named])
        self._ddp_reduction_queued = False
        with no_grad():
            for tensor in list(module.parameters()) + list(module.buffers()):
                dist.broadcast(tensor.data if tensor.requires_grad else tensor, src=0)
        self._ddp_bucket_of = {id(p): b for b, bucket in enumerate(self._ddp_buckets) for p in bucket}
        self._ddp_events = []  # ("start", bucket) in hooks, ("finish",) after the backward: for the tests
        self._ddp_gradient_hooks = [p.register_hook(self._hook_for(p)) for _, p in named]

    def _make_buckets(self, parameters):
        """Parameters in reverse order, grouped up to the byte cap (one dtype per bucket)."""
        buckets, current, size = [], [], 0
        for p in reversed(parameters):
            nbytes = p.numel() * p.element_size()
            if current and (size + nbytes > self.bucket_bytes_cap or p.dtype != current[0].dtype):
                buckets.append(current)
                current, size = [], 0
            current.append(p)
            size += nbytes
        if current:
            buckets.append(current)
        return buckets

    def forward(self, *inputs, **kwargs):
        from ...autograd import is_grad_enabled

        # torch syncs buffers before each forward that may lead to a synchronised backward.
        if self.broadcast_buffers and is_grad_enabled() and self.require_backward_grad_sync:
            with no_grad():
                for buffer in self.module.buffers():
                    dist.broadcast(buffer, src=0)
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Backwards inside accumulate gradients locally; the next one outside averages the total."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def _hook_for(self, parameter):
        return lambda grad: self._on_gradient(parameter, grad)

    def _on_gradient(self, parameter, grad):
        if not self.require_backward_grad_sync:
            return None
        if not self._ddp_reduction_queued:
            self._ddp_reduction_queued = True
            Variable._execution_engine.queue_callback(self._reduce_gradients)
            count = len(self._ddp_buckets)
            self._ddp_arrived = [{} for _ in range(count)]
            self._ddp_fresh = [True] * count
            self._ddp_started = [None] * count
            self._ddp_events = []
        b = self._ddp_bucket_of[id(parameter)]
        if parameter.grad is not None:
            self._ddp_fresh[b] = False  # adds to an earlier gradient: reduce the total after the backward
        self._ddp_arrived[b][id(parameter)] = grad
        bucket = self._ddp_buckets[b]
        if len(self._ddp_arrived[b]) == len(bucket) and self._ddp_fresh[b] and not self.find_unused_parameters:
            # The bucket's gradients are what .grad will hold: reduce them now.
            with no_grad():
                flat = _cajal().cat([self._ddp_arrived[b][id(p)].reshape(-1) for p in bucket])
                flat.div_(dist.get_world_size())  # before the sum, as torch's default hook does
            self._ddp_started[b] = (flat, dist.all_reduce(flat, async_op=True))
            self._ddp_arrived[b] = {}
            self._ddp_events.append(("start", b))
        for started in self._ddp_started:
            if started is not None and started[1].is_completed() is False:
                break  # one test per hook keeps MPI moving; the oldest first
        return None

    def _reduce_gradients(self):
        self._ddp_reduction_queued = False
        self._ddp_events.append(("finish",))
        # The buckets started during the backward, in their order.
        with no_grad():
            for b, started in enumerate(self._ddp_started):
                if started is None:
                    continue
                flat, work = started
                work.wait()
                self._write(self._ddp_buckets[b], flat)
        pending = [bucket for b, bucket in enumerate(self._ddp_buckets) if self._ddp_started[b] is None]
        self._ddp_started = [None] * len(self._ddp_buckets)
        self._ddp_arrived = [{} for _ in self._ddp_buckets]
        if pending:
            self._reduce_after_backward(pending)

    def _reduce_after_backward(self, buckets):
        """The buckets not reduced during the backward, from the accumulated .grad."""
        parameters = [p for bucket in buckets for p in bucket]
        # Which parameters got a gradient on any rank: every rank takes the same decision.
        has_grad = zeros(len(parameters), dtype=_int64())
        for i, p in enumerate(parameters):
            if p.grad is not None:
                has_grad[i] = 1
        everywhere = has_grad.clone()
        dist.all_reduce(has_grad, op=dist.ReduceOp.MAX)
        dist.all_reduce(everywhere, op=dist.ReduceOp.MIN)
        if not self.find_unused_parameters and not bool((everywhere == 1).all()):
            missing = [self._ddp_parameter_names[id(p)] for i, p in enumerate(parameters) if everywhere[i] == 0]
            raise RuntimeError(
                "DistributedDataParallel: parameters got no gradient on at least one rank: "
                f"{', '.join(missing)}. This error indicates that your module has parameters that were not used in "
                "producing loss. You can enable unused parameter detection by passing the keyword argument "
                "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`.")
        used = {id(p) for i, p in enumerate(parameters) if has_grad[i] == 1}
        world = dist.get_world_size()
        with no_grad():
            for bucket in buckets:
                members = [p for p in bucket if id(p) in used]
                if not members:
                    continue
                flat = _cajal().cat([(p.grad if p.grad is not None else zeros(p.shape, dtype=p.dtype)).reshape(-1)
                                     for p in members])
                flat.div_(world)  # before the sum, as torch's default hook does
                dist.all_reduce(flat)
                self._write(members, flat)

    @staticmethod
    def _write(parameters, flat):
        offset = 0
        for p in parameters:
            n = p.numel()
            averaged = flat[offset:offset + n].view(p.shape)
            if p.grad is None:
                p.grad = averaged.clone()
            else:
                p.grad.copy_(averaged)
            offset += n


def _cajal():
    import cajal

    return cajal


def _int64():
    return _cajal().int64
