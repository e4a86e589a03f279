"""Core engine timings, side by side with raw OpenBLAS and (when importable)
real PyTorch in the same process, on the same machine.

    make bench                      # uses ~/.cache/cajal-reference when present
    python benchmarks/bench_core.py [--quick]

Reports medians of repeats, and ratios (cajal time / other time) because
absolute figures on shared machines are noisy. Writes benchmarks/RESULTS.md.
"""

import argparse
import ctypes
import ctypes.util
import os
import platform
import statistics
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import cajal  # noqa: E402
from timing import compare, median_seconds  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))


def openblas_sgemm():
    """cblas_sgemm from the OpenBLAS that libcajal.so links, called directly."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if name:
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
    else:
        return None
    f = lib.cblas_sgemm
    f.restype = None
    f.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_float,
                  ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_void_p,
                  ctypes.c_int]

    def run(a, b, c, n):
        f(101, 111, 111, n, n, n, 1.0, a.ctypes.data, n, b.ctypes.data, n, 0.0, c.ctypes.data, n)

    return run


def bench_matmul(sizes, repeats):
    rows = []
    sgemm = openblas_sgemm()
    for n in sizes:
        flops = 2.0 * n**3
        a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
        b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
        reps = max(3, repeats if n <= 512 else repeats // 3)
        ca, cb = cajal.from_numpy(a), cajal.from_numpy(b)
        contenders = {"cajal": lambda: ca @ cb}
        if sgemm:
            c = np.empty((n, n), dtype=np.float32)
            contenders["openblas"] = lambda: sgemm(a, b, c, n)
        if torch:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            contenders["torch"] = lambda: ta @ tb
        times = compare(contenders, reps)
        rows.append({"n": n, **{name: flops / t / 1e9 for name, t in times.items()}})
    return rows


def bench_add(sizes, repeats):
    rows = []
    for n in sizes:
        moved = 3 * 4 * n  # read two float32 arrays, write one
        x = cajal.rand(n)
        y = cajal.rand(n)
        reps = repeats if n <= 1 << 20 else max(5, repeats // 4)
        contenders = {"cajal": lambda: x + y}
        if torch:
            tx, ty = torch.rand(n), torch.rand(n)
            contenders["torch"] = lambda: tx + ty
        times = compare(contenders, reps)
        rows.append({"n": n, **{name: moved / t / 1e9 for name, t in times.items()}})
    return rows


def bench_overhead(repeats):
    x, y = cajal.ones(10), cajal.ones(10)
    contenders = {"cajal": lambda: x + y}
    if torch:
        tx, ty = torch.ones(10), torch.ones(10)
        contenders["torch"] = lambda: tx + ty
    return {name: t * 1e6 for name, t in compare(contenders, repeats, inner=2000).items()}


def bench_startup(repeats):
    """Wall time of `import` and resident memory after it, in a fresh interpreter.
    (ru_maxrss would report the benchmark's own peak: it survives fork and exec.)"""
    import subprocess

    code = ("import time; t = time.perf_counter(); import {0}; dt = time.perf_counter() - t; "
            "rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]; "
            "print(dt, int(rss) / 1024)")
    row = {}
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(HERE), "python"))
    for name in ("cajal", "torch") if torch else ("cajal",):
        samples = [subprocess.run([sys.executable, "-c", code.format(name)], capture_output=True, text=True,
                                  env=env, check=True).stdout.split() for _ in range(repeats)]
        row[name] = (statistics.median(float(s[0]) for s in samples) * 1000, statistics.median(float(s[1]) for s in samples))
    return row


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def fmt(value, spec=".1f"):
    return format(value, spec) if value is not None else "-"


def main():
    parser = argparse.ArgumentParser(description="core engine benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats (for smoke runs)")
    args = parser.parse_args()
    repeats = 5 if args.quick else 21
    matmul_sizes = [256, 512] if args.quick else [256, 512, 1024, 2048]
    add_sizes = [1 << 20] if args.quick else [1 << 20, 1 << 24]

    threads = torch.get_num_threads() if torch else None
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    header = [f"cajal {cajal.__version__} ({cajal._ffi.library_path})",
              f"torch {torch.__version__} ({threads} threads)" if torch else "torch: not installed (cajal figures only)",
              machine]
    lines = ["# Core benchmark results", "", "Command: `make bench` (`python benchmarks/bench_core.py`)", ""]
    lines += [f"- {h}" for h in header] + [""]

    matmul = bench_matmul(matmul_sizes, repeats)
    lines += ["## matmul (float32, square), GFLOPS — higher is better", "",
              "| n | cajal | raw cblas_sgemm | torch | cajal / cblas | cajal / torch |", "|---|---|---|---|---|---|"]
    for r in matmul:
        lines.append(f"| {r['n']} | {fmt(r['cajal'])} | {fmt(r.get('openblas'))} | {fmt(r.get('torch'))} | "
                     f"{ratio(r['cajal'], r.get('openblas'))} | {ratio(r['cajal'], r.get('torch'))} |")

    add = bench_add(add_sizes, repeats)
    lines += ["", "## elementwise add (float32), GB/s moved — higher is better", "",
              "| elements | cajal | torch | cajal / torch |", "|---|---|---|---|"]
    for r in add:
        lines.append(f"| {r['n']:,} | {fmt(r['cajal'])} | {fmt(r.get('torch'))} | {ratio(r['cajal'], r.get('torch'))} |")

    overhead = bench_overhead(repeats)
    lines += ["", "## Python overhead of one 10-element add, µs per op — lower is better", "",
              "| cajal | torch | cajal / torch |", "|---|---|---|",
              f"| {fmt(overhead['cajal'], '.2f')} | {fmt(overhead.get('torch'), '.2f')} | "
              f"{ratio(overhead['cajal'], overhead.get('torch'))} |"]
    startup = bench_startup(3 if args.quick else 5)
    lines += ["", "## Startup: `import` in a fresh interpreter — lower is better", "",
              "| | cajal | torch | cajal / torch |", "|---|---|---|---|",
              f"| wall time, ms | {startup['cajal'][0]:.0f} | {fmt(startup.get('torch', (None,))[0], '.0f')} | "
              f"{ratio(startup['cajal'][0], startup.get('torch', (None,))[0])} |",
              f"| RSS after import, MB | {startup['cajal'][1]:.0f} | {fmt(startup.get('torch', (None, None))[1], '.0f')} | "
              f"{ratio(startup['cajal'][1], startup.get('torch', (None, None))[1])} |"]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
