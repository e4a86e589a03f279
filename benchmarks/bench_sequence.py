"""Sequence layers against real PyTorch in one run, forward + backward with
the same weights and data: a 2-layer LSTM (hidden 64, sequence 100, batch 32,
input 64) and a TransformerEncoderLayer (d_model 128, 4 heads, feed-forward
512, sequence 64, batch 32, dropout off). Ratio = cajal time / torch time.

    make bench-seq        # or: python benchmarks/bench_sequence.py [--quick]
"""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import cajal  # noqa: E402
from timing import compare, write_report  # noqa: E402


def copy_weights(source, target):
    target.load_state_dict({k: cajal.tensor(v.detach().numpy()) for k, v in source.state_dict().items()})


def main():
    parser = argparse.ArgumentParser(description="sequence-layer benchmarks against torch")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 20
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    rows = []

    def step_of(lib, model, x):
        def step():
            model.zero_grad()
            out = model(x)
            (out[0] if isinstance(out, tuple) else out).sum().backward()
        return step

    x = rng.standard_normal((32, 100, 64)).astype(np.float32)
    lstms = {"torch": torch.nn.LSTM(64, 64, num_layers=2, batch_first=True),
             "cajal": cajal.nn.LSTM(64, 64, num_layers=2, batch_first=True)}
    copy_weights(lstms["torch"], lstms["cajal"])
    times = compare({"cajal": step_of(cajal, lstms["cajal"], cajal.tensor(x)),
                     "torch": step_of(torch, lstms["torch"], torch.tensor(x))}, repeats, rounds=3)
    rows.append(("LSTM 2 layers, hidden 64, seq 100, batch 32, fwd+bwd", times))

    x = rng.standard_normal((32, 64, 128)).astype(np.float32)
    layers = {"torch": torch.nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, batch_first=True),
              "cajal": cajal.nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, batch_first=True)}
    copy_weights(layers["torch"], layers["cajal"])
    times = compare({"cajal": step_of(cajal, layers["cajal"], cajal.tensor(x)),
                     "torch": step_of(torch, layers["torch"], torch.tensor(x))}, repeats, rounds=3)
    rows.append(("TransformerEncoderLayer d_model 128, 4 heads, seq 64, batch 32, fwd+bwd", times))

    write_report("Sequence-layer benchmark: cajal vs PyTorch", "`make bench-seq` (`python benchmarks/bench_sequence.py`)", rows, "SEQUENCE.md", write=not args.quick)


if __name__ == "__main__":
    main()
