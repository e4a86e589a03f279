"""Side-by-side timing shared by the benchmarks."""

import os
import statistics
import time


# Seconds of rest before each block (the PAUSE environment variable overrides).
PAUSE = float(os.environ.get("PAUSE", "0.3"))


def compare(contenders, repeats, inner=1, rounds=2):
    """Median seconds per call of each function. Each contender runs in a block
    of its own after a pause: torch's OpenMP threads and OpenBLAS's threads
    spin for a while after work, and timing one while the other's threads spin
    measures the contention, not the library. Blocks repeat in `rounds`
    (A B C A B C) so that drift in the machine's load falls on all alike; the
    best round's median counts."""
    best = {}
    for _ in range(rounds):
        for name, fn in contenders.items():
            time.sleep(PAUSE)
            fn()  # warm up
            samples = []
            for _ in range(repeats):
                start = time.perf_counter()
                for _ in range(inner):
                    fn()
                samples.append((time.perf_counter() - start) / inner)
            best[name] = min(best.get(name, float("inf")), statistics.median(samples))
    return best


def median_seconds(fn, repeats, inner=1):
    return compare({"only": fn}, repeats, inner)["only"]


def write_report(title, command, rows, filename, write):
    """The Markdown table of (workload, {"cajal": s, "torch": s}) rows with the
    command and both libraries' versions; printed, and saved beside this file
    when `write` (full runs, not --quick)."""
    import cajal
    import torch

    lines = [f"# {title}", "", f"Command: {command}", "",
             f"- cajal {cajal.__version__}, {cajal.get_num_threads()} threads; torch {torch.__version__}, "
             f"{torch.get_num_threads()} threads; median of repeats, best of rounds", "",
             "| workload | cajal ms | torch ms | ratio |", "|---|---|---|---|"]
    for name, t in rows:
        lines.append(f"| {name} | {t['cajal'] * 1e3:.2f} | {t['torch'] * 1e3:.2f} | {t['cajal'] / t['torch']:.2f} |")
    text = "\n".join(lines) + "\n"
    if write:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), filename), "w") as f:
            f.write(text)
    print(text)
