"""nn layers against real PyTorch in one run: a LeNet-5 training step on a
batch of 64 1x28x28 images (forward, cross-entropy, backward), and one
Conv2d(64 -> 64, 3x3, padding 1) on a batch of 32 64x64 images, forward and
backward. Same weights and data for both; ratio = cajal time / torch time.

    make bench-nn        # or: python benchmarks/bench_nn.py [--quick]
"""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import cajal  # noqa: E402
from timing import compare, write_report  # noqa: E402


def lenet(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def copy_weights(source, target):
    target.load_state_dict({k: cajal.tensor(v.detach().numpy()) for k, v in source.state_dict().items()})


def main():
    parser = argparse.ArgumentParser(description="nn benchmarks against torch")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 20
    rng = np.random.default_rng(0)
    rows = []

    images = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, size=64)
    torch.manual_seed(0)
    models = {"torch": lenet(torch), "cajal": lenet(cajal)}
    copy_weights(models["torch"], models["cajal"])
    data = {"torch": (torch.tensor(images), torch.tensor(labels)), "cajal": (cajal.tensor(images), cajal.tensor(labels))}

    def lenet_step(lib, name):
        model, (x, y) = models[name], data[name]

        def step():
            model.zero_grad()
            lib.nn.functional.cross_entropy(model(x), y).backward()
        return step

    times = compare({"cajal": lenet_step(cajal, "cajal"), "torch": lenet_step(torch, "torch")}, repeats, rounds=3)
    rows.append(("LeNet-5 training step, batch 64, 1x28x28", times))

    x = rng.standard_normal((32, 64, 64, 64)).astype(np.float32)
    w = (rng.standard_normal((64, 64, 3, 3)) * 0.05).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)

    def conv_step(lib):
        xs, ws, bs = lib.tensor(x).requires_grad_(), lib.tensor(w).requires_grad_(), lib.tensor(b).requires_grad_()

        def step():
            xs.grad = ws.grad = bs.grad = None
            lib.nn.functional.conv2d(xs, ws, bs, padding=1).sum().backward()
        return step

    times = compare({"cajal": conv_step(cajal), "torch": conv_step(torch)}, max(repeats // 4, 3), rounds=2)
    rows.append(("Conv2d 64->64 3x3, batch 32, 64x64, fwd+bwd", times))

    write_report("nn benchmark: cajal vs PyTorch", "`make bench-nn` (`python benchmarks/bench_nn.py`)", rows, "NN.md", write=not args.quick)


if __name__ == "__main__":
    main()
