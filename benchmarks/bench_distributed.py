"""Distributed training on this machine: `make bench-dist` (needs Open MPI; mpi4py for the raw column).

1. Scaling: one epoch of examples/distributed/ddp_digits.py on 1 and on 2
   ranks (the median epoch of 6, the first left out), same global batch.
2. All-reduce (sum, float32, in place, 2 ranks): cajal.distributed.all_reduce on a tensor
   against mpi4py's Comm.Allreduce(MPI.IN_PLACE, ...) on a numpy array of the same size,
   in the same processes, alternating. cajal's call adds its size/dtype
   agreement (a 4-integer all-reduce) and ctypes; the ratio shows what that costs.
Writes benchmarks/DISTRIBUTED.md.
"""

import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "python"), "OMPI_ALLOW_RUN_AS_ROOT": "1",
       "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
SIZES = [1 << 10, 1 << 14, 1 << 18, 1 << 22, 1 << 26]  # bytes


def mpirun(ranks, *command):
    run = subprocess.run(["mpirun", "--oversubscribe", "-np", str(ranks), *command], capture_output=True, text=True,
                         env=ENV, timeout=900)
    if run.returncode != 0:
        sys.exit(run.stdout + run.stderr)
    return run.stdout


def epoch_seconds(ranks):
    out = mpirun(ranks, sys.executable, os.path.join(ROOT, "examples", "distributed", "ddp_digits.py"), "--epochs", "6")
    times = [float(t) for t in re.findall(r"\((\d+\.\d+) s\)", out)]
    return statistics.median(times[1:])


def allreduce_worker():
    import numpy as np
    from mpi4py import MPI  # initialises MPI; cajal then joins the same library

    import cajal as torch
    import cajal.distributed as dist

    dist.init_process_group("mpi")
    comm = MPI.COMM_WORLD
    for nbytes in SIZES:
        n = nbytes // 4
        tensor, array = torch.ones(n), np.ones(n, dtype=np.float32)
        repeats = max(5, min(2000, (1 << 27) // nbytes))
        timings = {"cajal": [], "mpi4py": []}
        for _ in range(5):
            comm.Barrier()
            start = time.perf_counter()
            for _ in range(repeats):
                dist.all_reduce(tensor)
            timings["cajal"].append((time.perf_counter() - start) / repeats)
            comm.Barrier()
            start = time.perf_counter()
            for _ in range(repeats):
                comm.Allreduce(MPI.IN_PLACE, array, op=MPI.SUM)
            timings["mpi4py"].append((time.perf_counter() - start) / repeats)
        if comm.Get_rank() == 0:
            print(f"size {nbytes} cajal {min(timings['cajal'])} mpi4py {min(timings['mpi4py'])}", flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--allreduce-worker":
        return allreduce_worker()
    one, two = epoch_seconds(1), epoch_seconds(2)
    lines = ["# Distributed training on this machine", "",
             "Command: `make bench-dist` (Open MPI " + subprocess.run(["mpirun", "--version"], capture_output=True,
                                                                       text=True).stdout.split("\n")[0].split()[-1]
             + f", {os.cpu_count()} cores, mpirun --oversubscribe)", "",
             "## One epoch of examples/distributed/ddp_digits.py (global batch 32)", "",
             "| ranks | seconds per epoch | speed-up |", "|---|---|---|",
             f"| 1 | {one:.3f} | 1.00 |", f"| 2 | {two:.3f} | {one / two:.2f} |", "",
             "Each rank runs cores / ranks kernel threads; on 2 cores the 2 ranks share the machine one rank "
             "had to itself, so this measures DDP's overhead (the gradient all-reduce per step, the buffer and "
             "bookkeeping), not a cluster's scaling.", ""]
    have_mpi4py = subprocess.run([sys.executable, "-c", "import mpi4py"], capture_output=True).returncode == 0
    if have_mpi4py:
        out = mpirun(2, sys.executable, os.path.abspath(__file__), "--allreduce-worker")
        lines += ["## All-reduce, sum of float32 in place, 2 ranks", "",
                  "| bytes | cajal µs | mpi4py + numpy µs | ratio | cajal GB/s |", "|---|---|---|---|---|"]
        for nbytes, mine, theirs in re.findall(r"size (\d+) cajal (\S+) mpi4py (\S+)", out):
            mine, theirs = float(mine), float(theirs)
            lines.append(f"| {int(nbytes):,} | {mine * 1e6:.1f} | {theirs * 1e6:.1f} | {mine / theirs:.2f} | "
                         f"{int(nbytes) / mine / 1e9:.2f} |")
        lines += ["", "cajal's call first compares the ranks' sizes and dtypes (one 4-integer all-reduce), which "
                      "is most of the gap on small buffers; on large ones both run MPI's own all-reduce on the same memory.", ""]
    else:
        lines += ["(mpi4py is not installed: `pip install mpi4py` for the all-reduce comparison)", ""]
    text = "\n".join(lines)
    with open(os.path.join(ROOT, "benchmarks", "DISTRIBUTED.md"), "w") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
