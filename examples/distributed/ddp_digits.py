"""Handwritten digits with the LeNet of examples/cnn, trained data-parallel
over MPI: each rank takes its share of every epoch (DistributedSampler), the
gradients are averaged across the ranks (DistributedDataParallel), and every
rank ends with the same model.

    mpirun -np 2 python examples/distributed/ddp_digits.py [--epochs N] [--quick]
    sbatch examples/distributed/slurm.sh          (on a cluster)

Run without a launcher it is a world of one. With a per-rank batch of
batch_size / world_size the ranks together take the batches one process
would (all but an epoch's last, which the sampler pads to divide evenly), so
the learning curve hardly depends on the number of ranks.
Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.distributed as dist
import cajal.nn.functional as F
from cajal.nn.parallel import DistributedDataParallel as DDP
from cajal.utils.data import DataLoader, TensorDataset
from cajal.utils.data.distributed import DistributedSampler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cnn"))
from digits_lenet import LeNet, evaluate  # noqa: E402  (the same model as the one-process example)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32, help="the global batch, split across the ranks")
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a few epochs, for CI")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 15) if args.quick else args.epochs

    dist.init_process_group(backend="mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} must divide among {world} ranks")

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=0.2, stratify=digits.target, random_state=args.seed)
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    dataset = TensorDataset(torch.tensor(x_train), torch.tensor(y_train))
    sampler = DistributedSampler(dataset, seed=args.seed)
    loader = DataLoader(dataset, batch_size=args.batch_size // world, sampler=sampler)
    if rank == 0:
        print(f"digits: {len(x_train)} training and {len(x_test)} held-out images; {world} rank(s), "
              f"{len(sampler)} images and batches of {args.batch_size // world} each")

    torch.manual_seed(args.seed)
    model = DDP(LeNet())
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    test_x, test_y = torch.tensor(x_test), torch.tensor(y_test)
    start = time.perf_counter()
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        epoch_start = time.perf_counter()
        total = torch.zeros(2, dtype=torch.float64)  # loss sum and count, over every rank
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total += torch.tensor([loss.item() * len(y), len(y)], dtype=torch.float64)
        dist.all_reduce(total)
        if rank == 0:
            accuracy = evaluate(model.module, test_x, test_y)
            print(f"epoch {epoch + 1:2d}  loss {(total[0] / total[1]).item():.4f}  held-out accuracy {accuracy:.3f}  "
                  f"({time.perf_counter() - epoch_start:.2f} s)")
    elapsed = time.perf_counter() - start
    # Every rank holds the same parameters, bit for bit.
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    copies = [torch.zeros_like(flat) for _ in range(world)]
    dist.all_gather(copies, flat)
    identical = all(torch.equal(c, copies[0]) for c in copies)
    accuracy = evaluate(model.module, test_x, test_y)
    if rank == 0:
        print(f"held-out accuracy {accuracy:.3f} after {epochs} epochs in {elapsed:.1f} s on {world} rank(s); "
              f"parameters identical on every rank: {identical}")
    dist.destroy_process_group()
    return {"accuracy": accuracy, "identical": identical, "seconds": elapsed}


if __name__ == "__main__":
    main()
