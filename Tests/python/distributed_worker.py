"""One rank of the distributed tests (Tests/python/test_distributed.py runs
it under mpirun -np 2). Each scenario checks its own results, prints "ok
<scenario>" and exits 0, or raises."""

import copy
import os
import sys

import cajal as torch
import cajal.distributed as dist
import cajal.nn as nn
from cajal.nn.parallel import DistributedDataParallel as DDP
from cajal.utils.data import DataLoader, TensorDataset
from cajal.utils.data.distributed import DistributedSampler


def collectives(rank, world):
    for dtype in (torch.float32, torch.float64, torch.int64, torch.int32):
        for n in (0, 1, 7, 7_000_001):  # the last: 28-56 MB, more than a 25 MB bucket
            base = torch.arange(n, dtype=torch.int64)
            x = ((base % 1000) * (rank + 1)).to(dtype)
            dist.all_reduce(x)
            assert torch.equal(x, ((base % 1000) * 3).to(dtype)), (dtype, n, "sum")
            x = ((base % 1000) - rank * 5).to(dtype)
            dist.all_reduce(x, op=dist.ReduceOp.MIN)
            assert torch.equal(x, ((base % 1000) - 5).to(dtype)), (dtype, n, "min")
            x = ((base % 7) + rank).to(dtype)
            dist.all_reduce(x, op=dist.ReduceOp.MAX)
            assert torch.equal(x, ((base % 7) + 1).to(dtype)), (dtype, n, "max")
            x = torch.full((n,), rank + 2).to(dtype)
            dist.all_reduce(x, op=dist.ReduceOp.PRODUCT)
            assert torch.equal(x, torch.full((n,), 6).to(dtype)), (dtype, n, "product")
            if dtype.is_floating_point:
                x = torch.full((n,), float(rank)).to(dtype)
                dist.all_reduce(x, op=dist.ReduceOp.AVG)
                assert torch.equal(x, torch.full((n,), 0.5).to(dtype)), (dtype, n, "avg")
            x = torch.full((n,), rank + 10).to(dtype)
            dist.broadcast(x, src=1)
            assert torch.equal(x, torch.full((n,), 11).to(dtype)), (dtype, n, "broadcast")
            if n < 100:
                pieces = [torch.zeros(n, dtype=dtype) for _ in range(world)]
                dist.all_gather(pieces, torch.full((n,), rank).to(dtype))
                assert all(torch.equal(p, torch.full((n,), r).to(dtype)) for r, p in enumerate(pieces)), (dtype, n)
                out = torch.zeros(n, dtype=dtype)
                dist.reduce_scatter(out, [torch.full((n,), (r + 1) * (rank + 1)).to(dtype) for r in range(world)])
                assert torch.equal(out, torch.full((n,), (rank + 1) * 3).to(dtype)), (dtype, n, "reduce_scatter")
    # Strided tensors are reduced in place through a copy.
    grid = torch.arange(12.0).reshape(3, 4) * (rank + 1)
    view = grid.t()[1:3]
    dist.all_reduce(view)
    expected = torch.arange(12.0).reshape(3, 4)
    expected[:, 1:3] *= 3
    assert torch.equal(grid, expected * (rank + 1) if False else torch.where(
        torch.tensor([False, True, True, False]), expected, expected * (rank + 1))), grid
    # Point to point, and the ranks' sizes must agree.
    if rank == 0:
        dist.send(torch.arange(5, dtype=torch.int64) * 7, dst=1, tag=3)
    else:
        got = torch.zeros(5, dtype=torch.int64)
        assert dist.recv(got, src=None, tag=3) == 0 and got.tolist() == [0, 7, 14, 21, 28]
    for call, error in [(lambda: dist.all_reduce(torch.zeros(3 + rank)), ValueError),
                        (lambda: dist.broadcast(torch.zeros(2), src=2), ValueError),
                        (lambda: dist.all_reduce(torch.zeros(2, dtype=torch.int64), op=dist.ReduceOp.AVG), TypeError),
                        (lambda: dist.all_reduce(torch.zeros(2, dtype=torch.float16)), TypeError),
                        (lambda: dist.all_reduce(torch.zeros(2, dtype=torch.float64 if rank else torch.float32)), TypeError),
                        (lambda: dist.all_gather([torch.zeros(1)], torch.zeros(1)), ValueError),
                        (lambda: dist.send(torch.zeros(1), dst=1, tag=40000), ValueError)]:
        try:
            call()
        except error as e:
            assert e.args[0], "an empty message"
        else:
            raise AssertionError(f"no {error.__name__}")
    dist.barrier()


def _data():
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(64, 10, generator=generator)
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).long()
    return TensorDataset(x, y)


def _model(extra=False, norm=False):
    torch.manual_seed(0)
    layers = [nn.Linear(10, 32)] + ([nn.BatchNorm1d(32)] if norm else []) + [nn.ReLU(), nn.Linear(32, 2)]
    model = nn.Sequential(*layers)
    return _WithUnused(model) if extra else model


class _WithUnused(nn.Module):
    """A model with a layer its forward never calls."""

    def __init__(self, used):
        super().__init__()
        self.used = used
        self.unused = nn.Linear(3, 3)

    def forward(self, x):
        return self.used(x)


def _flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def _same_on_every_rank(tensor):
    pieces = [torch.zeros_like(tensor) for _ in range(dist.get_world_size())]
    dist.all_gather(pieces, tensor)
    return all(torch.equal(p, pieces[0]) for p in pieces)


def ddp(rank, world):
    """2 ranks with batch 16 each = one process with batch 32, 20 Adam steps."""
    data = _data()
    model = _model()
    if rank == 1:
        with torch.no_grad():  # DDP must overwrite this with rank 0's parameters
            for p in model.parameters():
                p.add_(1.0)
    reference = _model()
    wrapped = DDP(model)
    assert list(wrapped.state_dict())[0].startswith("module.") and wrapped.module is model
    optimizer = torch.optim.Adam(wrapped.parameters(), lr=0.01)
    reference_optimizer = torch.optim.Adam(reference.parameters(), lr=0.01)
    samplers = [DistributedSampler(data, num_replicas=world, rank=r, seed=3) for r in range(world)]
    loader = DataLoader(data, batch_size=16, sampler=DistributedSampler(data, seed=3))
    steps = 0
    for epoch in range(10):
        for s in samplers:
            s.set_epoch(epoch)
        loader.sampler.set_epoch(epoch)
        orders = [list(s) for s in samplers]
        for k, (x, y) in enumerate(loader):
            optimizer.zero_grad()
            nn.functional.cross_entropy(wrapped(x), y).backward()
            optimizer.step()
            indices = [i for order in orders for i in order[k * 16:(k + 1) * 16]]
            rx, ry = data[indices]
            reference_optimizer.zero_grad()
            nn.functional.cross_entropy(reference(rx), ry).backward()
            reference_optimizer.step()
            steps += 1
        if steps >= 20:
            break
    assert steps == 20
    difference = (_flat(model) - _flat(reference)).abs().max().item()
    assert difference < 2e-5, difference
    assert _same_on_every_rank(_flat(model))
    print(f"rank {rank}: 20 steps, largest difference from one process with batch 32: {difference:.2e}")


def no_sync(rank, world):
    """Two local backwards under no_sync and one synchronised: the average of the ranks' totals."""
    data = _data()
    model, reference = _model(), _model()
    wrapped = DDP(model)
    chunks = [list(range(16 * k, 16 * k + 16)) for k in range(4)]
    for micro in range(3):
        mine = chunks[micro % 2][rank * 8:(rank + 1) * 8] + chunks[2 + micro % 2][rank * 8:(rank + 1) * 8]
        x, y = data[mine]
        context = wrapped.no_sync() if micro < 2 else _nothing()
        with context:
            nn.functional.cross_entropy(wrapped(x), y).backward()
        every = [i for r in range(world) for i in
                 chunks[micro % 2][r * 8:(r + 1) * 8] + chunks[2 + micro % 2][r * 8:(r + 1) * 8]]
        x, y = data[every]
        nn.functional.cross_entropy(reference(x), y).backward()
        if micro == 0:  # after a no_sync backward the ranks' gradients are their own
            assert not _same_on_every_rank(model[0].weight.grad)
    for p, q in zip(model.parameters(), reference.parameters()):
        assert (p.grad - q.grad).abs().max().item() < 1e-6
        assert _same_on_every_rank(p.grad)


def overlap(rank, world):
    """With small buckets, each bucket's all-reduce starts inside the backward,
    before it ends; the averages are the same as reducing afterwards."""
    data = _data()
    x, y = data[list(range(rank * 16, rank * 16 + 16))]
    model, reference = _model(), _model()
    wrapped = DDP(model, bucket_cap_mb=0.0002)  # 210 bytes: each of the 4 parameters its own bucket
    assert len(wrapped._ddp_buckets) == 4
    nn.functional.cross_entropy(wrapped(x), y).backward()
    events = wrapped._ddp_events
    assert events[-1] == ("finish",) and sorted(e[1] for e in events[:-1]) == list(range(len(wrapped._ddp_buckets))), events
    assert [e[1] for e in events[:-1]] == list(range(len(wrapped._ddp_buckets)))  # in the backward's order
    nn.functional.cross_entropy(reference(x), y).backward()
    for p, q in zip(model.parameters(), reference.parameters()):
        expected = q.grad / world
        dist.all_reduce(expected)
        assert torch.equal(p.grad, expected), (p.grad - expected).abs().max()
    # Under no_sync nothing starts; the synchronising backward adds to earlier
    # gradients, so it reduces the totals after the backward.
    with wrapped.no_sync():
        nn.functional.cross_entropy(wrapped(x), y).backward()
    assert wrapped._ddp_events == events  # no_sync: the hooks do nothing
    nn.functional.cross_entropy(wrapped(x), y).backward()
    assert wrapped._ddp_events == [("finish",)], wrapped._ddp_events


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def unused(rank, world):
    data = _data()
    x, y = data[list(range(rank * 8, rank * 8 + 8))]
    strict = DDP(_model(extra=True))
    try:
        nn.functional.cross_entropy(strict(x), y).backward()
    except RuntimeError as e:
        assert "unused.weight" in str(e) and "find_unused_parameters=True" in str(e), e
    else:
        raise AssertionError("an unused parameter went unnoticed")
    model = _model(extra=True)
    lenient = DDP(model, find_unused_parameters=True)
    nn.functional.cross_entropy(lenient(x), y).backward()
    assert model.unused.weight.grad is None and model.used[0].weight.grad is not None
    assert _same_on_every_rank(model.used[0].weight.grad)


def buffers(rank, world):
    data = _data()
    model = _model(norm=True)
    wrapped = DDP(model)
    optimizer = torch.optim.SGD(wrapped.parameters(), lr=0.1)
    for step in range(3):
        x, y = data[list(range(rank * 32 + step * 8, rank * 32 + step * 8 + 8))]  # different data per rank
        optimizer.zero_grad()
        nn.functional.cross_entropy(wrapped(x), y).backward()
        optimizer.step()
    stats = model[1].running_mean.clone()
    assert not _same_on_every_rank(stats)  # each rank's last forward updated its own
    wrapped.eval()
    wrapped(data[list(range(8))][0])  # the forward first takes rank 0's buffers
    assert _same_on_every_rank(model[1].running_mean) and _same_on_every_rank(model[1].running_var)
    if rank == 0:
        assert torch.equal(model[1].running_mean, stats)


def checkpoint(rank, world):
    path = sys.argv[2]
    model = _model()
    wrapped = DDP(model)
    optimizer = torch.optim.Adam(wrapped.parameters(), lr=0.05)
    data = _data()
    x, y = data[list(range(rank * 16, rank * 16 + 16))]
    for _ in range(3):
        optimizer.zero_grad()
        nn.functional.cross_entropy(wrapped(x), y).backward()
        optimizer.step()
    if rank == 0:
        torch.save({"model": wrapped.state_dict(), "optimizer": optimizer.state_dict()}, path)
    dist.barrier()
    saved = torch.load(path)
    assert all(k.startswith("module.") for k in saved["model"])
    resumed = DDP(_model())
    resumed.load_state_dict(saved["model"])
    resumed_optimizer = torch.optim.Adam(resumed.parameters(), lr=0.05)
    resumed_optimizer.load_state_dict(saved["optimizer"])
    for a, b in ((wrapped, optimizer), (resumed, resumed_optimizer)):
        b.zero_grad()
        nn.functional.cross_entropy(a(x), y).backward()
        b.step()
    assert torch.equal(_flat(model), _flat(resumed.module))
    assert _same_on_every_rank(_flat(resumed.module))


def crash(rank, world):
    """Rank 1 fails in the middle of training; rank 0 must not wait for it forever."""
    data = _data()
    wrapped = DDP(_model())
    x, y = data[list(range(8))]
    for step in range(100):
        if rank == 1 and step == 3:
            raise RuntimeError("rank 1 fails on purpose")
        nn.functional.cross_entropy(wrapped(x), y).backward()


def main():
    scenario = sys.argv[1]
    dist.init_process_group(backend="mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    assert world == 2 and int(os.environ.get("OMPI_COMM_WORLD_RANK", rank)) == rank
    globals()[scenario](rank, world)
    dist.barrier()
    dist.destroy_process_group()
    print(f"ok {scenario} rank {rank}")


if __name__ == "__main__":
    main()
