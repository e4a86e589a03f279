"""GEMM GFLOPS in float32 and bfloat16, cajal and torch side by side in one
process (square n x n products, best of five timings).

    PYTHONPATH=python <reference venv>/bin/python benchmarks/bf16_gemm.py
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import cajal  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def gflops(lib, n, dtype):
    a, b = lib.randn(n, n).to(dtype), lib.randn(n, n).to(dtype)
    a @ b
    repeats, best = max(1, (1 << 30) // n ** 3), float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        best = min(best, (time.perf_counter() - start) / repeats)
    return 2 * n ** 3 / best / 1e9


def main():
    libs = {"cajal": cajal, "torch": torch} if torch else {"cajal": cajal}
    print("| n | " + " | ".join(f"{name} fp32 | {name} bf16" for name in libs) + " |")
    print("|---|" + "---|---|" * len(libs))
    for n in (256, 1024, 2048):
        cells = [f"{gflops(lib, n, dtype):.0f}" for lib in libs.values() for dtype in (lib.float32, lib.bfloat16)]
        print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
