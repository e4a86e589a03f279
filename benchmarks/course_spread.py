"""The course-model and captured-step sections of compare.py run several
times in one process, reported as the spread of the ratios (this machine is
noisy): min, median and max of cajal time / torch time per workload (for the
captured steps: cajal.compile against eager torch). Writes benchmarks/COURSE.md.

    make bench-course            # 5 rounds
    python benchmarks/course_spread.py [--rounds N]

Each round times as compare.py's full run does (all repeats, two blocks per
library, the better block's median): the quick mode's single short block
swung the ratios by 2x on this noisy machine.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not compare.torch:
        sys.exit("course_spread.py compares with torch: run it with the reference venv's python")
    rounds, compiled = [], []
    for _ in range(args.rounds):
        suite = compare.Suite(quick=False)
        compare.bench_course(suite)
        rounds.append(suite.rows)
        suite = compare.Suite(quick=False)
        compare.bench_compiled(suite)
        compiled.append(suite.rows)
    lines = ["# Course-style models: cajal vs PyTorch, spread over rounds", "",
             f"Command: `make bench-course` ({args.rounds} rounds of `compare.py --only course compiled` "
             "in one process)", ""]
    lines += compare.machine()
    lines += ["- ratio = cajal time / torch time, min / median / max over the rounds; times are the medians", "",
              "| workload | cajal ms | torch ms | ratio min | median | max |", "|---|---|---|---|---|---|"]
    for i, (_, label, _, _) in enumerate(rounds[0]):
        cajal_times = [r[i][2]["cajal"] for r in rounds]
        torch_times = [r[i][2]["torch"] for r in rounds]
        ratios = sorted(c / t for c, t in zip(cajal_times, torch_times))
        lines.append(f"| {label} | {statistics.median(cajal_times) * 1e3:.3f} | {statistics.median(torch_times) * 1e3:.3f} | "
                     f"{ratios[0]:.2f} | {statistics.median(ratios):.2f} | {ratios[-1]:.2f} |")
    lines += ["", "## Captured training steps (`cajal.compile`)", "",
              "Batches prepared in advance; ratio = cajal.compile time / eager torch time. The first three calls "
              "(cajal: eager warm-up, then the trace; torch.compile: its compilation, from its on-disk cache after "
              "the first round) are timed apart.", "",
              "| training step | cajal.compile ms | cajal eager ms | torch eager ms | torch.compile ms | "
              "ratio min | median | max | first 3 calls, min / max over rounds: cajal s | torch.compile s |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for i, (_, label, _, _) in enumerate(compiled[0]):
        def median(name, rows=[r[i] for r in compiled]):
            values = [row[2][name] for row in rows if name in row[2]]
            return f"{statistics.median(values) * 1e3:.3f}" if values else "-"

        def first(name, rows=[r[i] for r in compiled]):
            values = [row[3]["compile_seconds"][name] for row in rows if name in row[3]["compile_seconds"]]
            return f"{min(values):.3f} / {max(values):.3f}" if values else "-"
        ratios = sorted(r[i][2]["cajal"] / r[i][2]["torch"] for r in compiled)
        lines.append(f"| {label} | {median('cajal')} | {median('cajal eager')} | {median('torch')} | "
                     f"{median('torch.compile')} | {ratios[0]:.2f} | {statistics.median(ratios):.2f} | {ratios[-1]:.2f} | "
                     f"{first('cajal')} | {first('torch.compile')} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(HERE, "COURSE.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
