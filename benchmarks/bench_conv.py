"""Convolution layers of the course models: cajal (oneDNN when installed, and
its im2col + GEMM path with torch.backends.mkldnn off) against torch, forward
under no_grad and forward + backward, interleaved in one process. Writes
benchmarks/CONV.md.

    make bench-conv
    python benchmarks/bench_conv.py [--rounds N]
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import cajal  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

# name: (batch, in channels, size, out channels, kernel, padding, input needs a gradient)
LAYERS = {
    "LeNet conv1 64x1x28x28 -> 6, 5x5 pad 2": (64, 1, 28, 6, 5, 2, False),
    "LeNet conv2 64x6x14x14 -> 16, 5x5": (64, 6, 14, 16, 5, 0, True),
    "U-Net first 32x1x32x32 -> 16, 3x3": (32, 1, 32, 16, 3, 1, False),
    "U-Net 32x16x32x32 -> 16, 3x3": (32, 16, 32, 16, 3, 1, True),
    "U-Net 32x32x16x16 -> 32, 3x3": (32, 32, 16, 32, 3, 1, True),
    "U-Net 32x64x8x8 -> 64, 3x3": (32, 64, 8, 64, 3, 1, True),
    "U-Net head 32x16x32x32 -> 1, 1x1": (32, 16, 32, 1, 1, 0, True),
    "RGB 32x3x32x32 -> 8, 3x3": (32, 3, 32, 8, 3, 1, True),
}


def setup(lib, case):
    n, c, size, out, k, pad, grad = case
    lib.manual_seed(0)
    data = np.random.default_rng(0).standard_normal((n, c, size, size)).astype(np.float32)
    x = lib.from_numpy(data).requires_grad_(grad)
    conv = lib.nn.Conv2d(c, out, k, padding=pad)
    probe = lib.ones_like(conv(x))

    def forward():
        with lib.no_grad():
            conv(x)

    def step():
        x.grad = None
        conv.zero_grad()
        conv(x).backward(probe)
    return {"forward": forward, "fwd+bwd": step}


def best_time(fn, window=0.05):
    fn()
    time.sleep(0.02)
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < window:
        fn()
        calls += 1
    return (time.perf_counter() - start) / calls * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    onednn = cajal.backends.mkldnn.version()
    rows = []
    for name, case in LAYERS.items():
        runs = {"cajal": setup(cajal, case)}
        if torch:
            runs["torch"] = setup(torch, case)
        for kind in ("forward", "fwd+bwd"):
            best = {}
            for _ in range(args.rounds):
                for contender in (["cajal", "im2col"] + (["torch"] if torch else [])):
                    fn = runs["torch" if contender == "torch" else "cajal"][kind]
                    with cajal.backends.mkldnn.flags(enabled=contender == "cajal"):
                        best[contender] = min(best.get(contender, 1e12), best_time(fn))
            rows.append((name, kind, best))
            ratio = f"{best['cajal'] / best['torch']:.2f}" if torch else "-"
            print(f"{name:40s} {kind:8s} cajal {best['cajal']:8.1f} us  im2col {best['im2col']:8.1f} us"
                  + (f"  torch {best['torch']:8.1f} us  ratio {ratio}" if torch else ""), flush=True)
    lines = ["# Convolution layers: cajal vs PyTorch", "",
             "Command: `make bench-conv` (`python benchmarks/bench_conv.py`; best of "
             f"{args.rounds} interleaved rounds of 50 ms each)", "",
             f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
             f"- cajal: {cajal.get_num_threads()} threads, convolutions on {onednn or 'im2col (oneDNN not installed)'}; "
             "the im2col column is cajal with torch.backends.mkldnn.enabled = False"]
    if torch:
        lines.append(f"- torch {torch.__version__}, {torch.get_num_threads()} threads")
    lines += ["- ratio = cajal time / torch time; times in µs", "",
              "| layer | pass | cajal | im2col | torch | ratio |", "|---|---|---|---|---|---|"]
    for name, kind, best in rows:
        t = best.get("torch")
        lines.append(f"| {name} | {kind} | {best['cajal']:.0f} | {best['im2col']:.0f} | "
                     f"{t:.0f} | {best['cajal'] / t:.2f} |" if t else
                     f"| {name} | {kind} | {best['cajal']:.0f} | {best['im2col']:.0f} | - | - |")
    with open(os.path.join(HERE, "CONV.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
