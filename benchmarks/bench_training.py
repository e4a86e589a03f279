"""The training kit against real PyTorch in one run: iterating a DataLoader
over an in-memory TensorDataset (569 x 30 floats, batch 64, shuffled), one Adam
step over the tumour MLP's parameters (30 -> 64 -> 32 -> 1), a whole training
epoch of that MLP (loader + forward + backward + Adam), and saving and loading
its checkpoint. Ratio = cajal time / torch time.

    make bench-train        # or: python benchmarks/bench_training.py [--quick]
"""

import argparse
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import cajal  # noqa: E402
from timing import compare, write_report  # noqa: E402


def mlp(lib):
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))


def main():
    parser = argparse.ArgumentParser(description="training-kit benchmarks against torch")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 20
    rng = np.random.default_rng(0)
    x = rng.standard_normal((569, 30)).astype(np.float32)
    y = (rng.random(569) > 0.5).astype(np.float32)
    rows = []
    folder = tempfile.mkdtemp()

    setups = {}
    for name, lib in (("cajal", cajal), ("torch", torch)):
        model = mlp(lib)
        dataset = lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y))
        loader = lib.utils.data.DataLoader(dataset, batch_size=64, shuffle=True)
        optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
        model(lib.tensor(x[:64])).sum().backward()
        setups[name] = (lib, model, loader, optimizer)

    def iterate(name):
        loader = setups[name][2]
        return lambda: [None for _ in loader]

    def adam_step(name):
        return setups[name][3].step

    def epoch(name):
        lib, model, loader, optimizer = setups[name]
        criterion = lib.nn.BCEWithLogitsLoss()

        def run():
            for xb, yb in loader:
                optimizer.zero_grad()
                criterion(model(xb).squeeze(-1), yb).backward()
                optimizer.step()
        return run

    def checkpoint(name):
        lib, model, _, optimizer = setups[name]
        path = os.path.join(folder, f"{name}.pt")

        def run():
            lib.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
            lib.load(path)
        return run

    for label, make, inner in [("DataLoader epoch over TensorDataset (569x30, batch 64, shuffle)", iterate, 5),
                               ("Adam step, tumour MLP (4.1k parameters)", adam_step, 50),
                               ("training epoch, tumour MLP with Adam (9 batches)", epoch, 3),
                               ("save + load checkpoint (model + Adam state, fsync)", checkpoint, 1)]:
        rows.append((label, compare({"cajal": make("cajal"), "torch": make("torch")}, repeats, inner)))
        print(f"{label}: {rows[-1][1]['cajal'] * 1e3:.3f} ms vs {rows[-1][1]['torch'] * 1e3:.3f} ms", flush=True)

    write_report("Training kit: cajal vs PyTorch", "make bench-train", rows, "TRAINING.md", not args.quick)


if __name__ == "__main__":
    main()
