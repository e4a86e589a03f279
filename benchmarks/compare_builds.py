"""The portable build (what a package depending on cajal by version gets)
against the native one: `make bench-portable`.

Reads the outputs of `make bench-quick` run alternately with each build
(`native1.log portable1.log native2.log ...` in a folder), takes for every
workload the best cajal/torch ratio of each build over its runs (torch in
the same run absorbs the machine's noise), and writes benchmarks/PORTABLE.md.
"""

import math
import re
import sys
from pathlib import Path

UNITS = {"µs": 1e-3, "ms": 1.0, "s": 1e3, "MB": 1.0}
LINE = re.compile(r"\[(\w+)\] (.*?): cajal ([\d.]+) (µs|ms|s|MB)\s+torch ([\d.]+) (µs|ms|s|MB)")


def ratios(path):
    found = {}
    for line in Path(path).read_text().splitlines():
        match = LINE.match(line)
        if match:
            section, name, mine, mine_unit, theirs, their_unit = match.groups()
            found[(section, name)] = float(mine) * UNITS[mine_unit] / (float(theirs) * UNITS[their_unit])
    return found


def main(folder, output):
    folder = Path(folder)
    runs = {kind: [ratios(p) for p in sorted(folder.glob(f"{kind}*.log"))] for kind in ("native", "portable")}
    if not runs["native"] or not runs["portable"]:
        sys.exit(f"compare_builds: no native*.log or portable*.log in {folder}")
    rows, logs = [], []
    for key in runs["native"][0]:
        if not all(key in run for kind in runs for run in runs[kind]):
            continue
        native = min(run[key] for run in runs["native"])
        portable = min(run[key] for run in runs["portable"])
        rows.append(f"| {key[0]} | {key[1]} | {native:.2f} | {portable:.2f} | {portable / native:.2f} |")
        logs.append(math.log(portable / native))
    lines = [
        "# The portable build against the native one",
        "",
        "Command: `make bench-portable` (`make bench-quick` alternately against each build, "
        f"{len(runs['native'])} runs each; ratio = cajal time / torch time in the same run, best of the runs)",
        "",
        "The portable build is what SwiftPM compiles for a package that depends on cajal by version: "
        "no unsafe flags, so every kernel set is baseline x86-64 (SSE2), the kernels keep Swift's "
        "overflow and bounds checks (no -Ounchecked), and the vector math rounds a * b + c twice.",
        "",
        "| section | workload | native / torch | portable / torch | portable / native |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Geometric mean of portable / native over {len(rows)} workloads: {math.exp(sum(logs) / len(logs)):.2f}",
        "",
    ]
    Path(output).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:3])
