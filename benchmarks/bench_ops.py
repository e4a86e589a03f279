"""Elementwise, reduction and indexing ops on 1M-element tensors, cajal
against real PyTorch in the same process, contiguous and transposed.

    make bench-ops                  # uses ~/.cache/cajal-reference (torch needed)
    python benchmarks/bench_ops.py [--quick] [--only NAME]

The inputs are 1024 x 1024 float32 tensors; "transposed" ops read x.t() (a
non-contiguous view of the same memory). The ratio is cajal time / torch time:
below 1 cajal is faster; the target is at most 1.2. Writes benchmarks/OPS.md.
"""

import argparse
import os
import platform
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import cajal  # noqa: E402
from timing import compare  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
N = 1024
TARGET = 1.2


def inputs(lib):
    """The same data for both libraries (built from numpy arrays)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, N)).astype(np.float32)
    y = rng.standard_normal((N, N)).astype(np.float32)
    rows = rng.integers(0, N, size=N // 2)
    gather_index = rng.integers(0, N, size=(N, N))
    mask = x > 0
    return {
        "x": lib.tensor(x), "y": lib.tensor(y), "mask": lib.tensor(mask),
        # log and sqrt are timed on positive values: on normal ones half the results are NaN.
        "positive": lib.tensor(np.abs(y) + np.float32(1e-3)),
        "rows": lib.tensor(rows), "gather_index": lib.tensor(gather_index),
    }


# name -> function(lib, data, view) where view turns a base into the layout under test.
OPS = {
    # elementwise
    "add": lambda lib, d, v: v(d["x"]) + v(d["y"]),
    "mul scalar": lambda lib, d, v: v(d["x"]) * 1.5,
    "div": lambda lib, d, v: v(d["x"]) / v(d["y"]),
    "neg": lambda lib, d, v: -v(d["x"]),
    "abs": lambda lib, d, v: v(d["x"]).abs(),
    "relu": lambda lib, d, v: v(d["x"]).relu(),
    "exp": lambda lib, d, v: v(d["x"]).exp(),
    "log": lambda lib, d, v: v(d["positive"]).log(),
    "tanh": lambda lib, d, v: v(d["x"]).tanh(),
    "sigmoid": lambda lib, d, v: v(d["x"]).sigmoid(),
    "sqrt": lambda lib, d, v: v(d["positive"]).sqrt(),
    "pow 2": lambda lib, d, v: v(d["x"]).pow(2),
    "clamp": lambda lib, d, v: v(d["x"]).clamp(-0.5, 0.5),
    "gt": lambda lib, d, v: v(d["x"]) > v(d["y"]),
    "where": lambda lib, d, v: lib.where(v(d["mask"]), v(d["x"]), v(d["y"])),
    "to float64": lambda lib, d, v: v(d["x"]).double(),
    "contiguous copy": lambda lib, d, v: v(d["x"]).contiguous() if v is transposed else v(d["x"]).clone(),
    # reductions
    "sum": lambda lib, d, v: v(d["x"]).sum(),
    "sum dim 0": lambda lib, d, v: v(d["x"]).sum(0),
    "sum dim 1": lambda lib, d, v: v(d["x"]).sum(1),
    "mean dim 1": lambda lib, d, v: v(d["x"]).mean(1),
    "amax dim 1": lambda lib, d, v: v(d["x"]).amax(1),
    "max dim 1 (values, indices)": lambda lib, d, v: v(d["x"]).max(1),
    "argmax dim 0": lambda lib, d, v: v(d["x"]).argmax(0),
    "var dim 1": lambda lib, d, v: v(d["x"]).var(1),
    "norm": lambda lib, d, v: v(d["x"]).norm(),
    "logsumexp dim 1": lambda lib, d, v: v(d["x"]).logsumexp(1),
    "cumsum dim 1": lambda lib, d, v: v(d["x"]).cumsum(1),
    "all": lambda lib, d, v: v(d["mask"]).all(),
    # indexing
    "index_select rows": lambda lib, d, v: v(d["x"]).index_select(0, d["rows"]),
    "x[rows]": lambda lib, d, v: v(d["x"])[d["rows"]],
    "gather dim 1": lambda lib, d, v: v(d["x"]).gather(1, d["gather_index"]),
    "scatter_add dim 1": lambda lib, d, v: v(d["x"]).scatter_add(1, d["gather_index"], v(d["y"])),
    "masked_fill": lambda lib, d, v: v(d["x"]).masked_fill(v(d["mask"]), 0.0),
    "x[mask]": lambda lib, d, v: v(d["x"])[v(d["mask"])],
    "nonzero": lambda lib, d, v: v(d["mask"]).nonzero(),
    "x[::2, 1::2] copy": lambda lib, d, v: v(d["x"])[::2, 1::2].contiguous(),
    "cat": lambda lib, d, v: lib.cat([v(d["x"]), v(d["y"])], 0),
    "flip dim 1": lambda lib, d, v: v(d["x"]).flip(1),
    "sort dim 1": lambda lib, d, v: v(d["x"]).sort(1),
    "topk 10 dim 1": lambda lib, d, v: v(d["x"]).topk(10, 1),
}


def contiguous(t):
    return t


def transposed(t):
    return t.t()


def main():
    parser = argparse.ArgumentParser(description="op benchmarks against torch")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for smoke runs)")
    parser.add_argument("--only", help="run the ops whose name contains this")
    args = parser.parse_args()
    repeats = 7 if args.quick else 25
    rounds = 3  # best of three rounds: the shared machine's load drifts
    data = {"cajal": inputs(cajal), "torch": inputs(torch)}
    rows = []
    for name, op in OPS.items():
        if args.only and args.only not in name:
            continue
        row = {"name": name}
        for layout, view in (("contiguous", contiguous), ("transposed", transposed)):
            times = compare({lib: (lambda lib=lib, module=module: op(module, data[lib], view))
                             for lib, module in (("cajal", cajal), ("torch", torch))}, repeats, rounds=rounds)
            row[layout] = (times["cajal"], times["torch"])
        rows.append(row)
        c, t = row["contiguous"], row["transposed"]
        print(f"{name:28s} contiguous {c[0] * 1e6:8.0f} µs / {c[1] * 1e6:8.0f} µs = {c[0] / c[1]:5.2f}   "
              f"transposed {t[0] * 1e6:8.0f} µs / {t[1] * 1e6:8.0f} µs = {t[0] / t[1]:5.2f}", flush=True)

    lines = ["# Op benchmark: cajal vs PyTorch on 1M-element tensors", "",
             "Command: `make bench-ops` (`python benchmarks/bench_ops.py`)", "",
             f"- cajal {cajal.__version__}, kernels {cajal.backends.cpu.get_cpu_capability()}, {cajal.get_num_threads()} threads",
             f"- torch {torch.__version__}, {torch.get_num_threads()} threads",
             f"- {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
             f"- inputs: {N} x {N} float32; transposed = the op on x.t(); times are medians of {repeats}, best of {rounds} rounds",
             f"- ratio = cajal time / torch time (below 1: cajal is faster; target: at most {TARGET})", "",
             "| op | contiguous µs (cajal / torch) | ratio | transposed µs (cajal / torch) | ratio |",
             "|---|---|---|---|---|"]
    for row in rows:
        cells = []
        for layout in ("contiguous", "transposed"):
            c, t = row[layout]
            flag = " ⚠" if c / t > TARGET else ""
            cells += [f"{c * 1e6:.0f} / {t * 1e6:.0f}", f"{c / t:.2f}{flag}"]
        lines.append(f"| {row['name']} | " + " | ".join(cells) + " |")
    worst = max(max(r[l][0] / r[l][1] for l in ("contiguous", "transposed")) for r in rows)
    lines += ["", f"Worst ratio: {worst:.2f}."]
    text = "\n".join(lines) + "\n"
    if not args.quick and not args.only:
        with open(os.path.join(HERE, "OPS.md"), "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
