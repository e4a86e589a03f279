"""The course-model section of compare.py run several times in one process,
reported as the spread of the ratios (this machine is noisy): min, median and
max of cajal time / torch time per workload. Writes benchmarks/COURSE.md.

    make bench-course            # 3 rounds
    python benchmarks/course_spread.py [--rounds N]
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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not compare.torch:
        sys.exit("course_spread.py compares with torch: run it with the reference venv's python")
    rounds = []
    for _ in range(args.rounds):
        suite = compare.Suite(quick=True)
        compare.bench_course(suite)
        rounds.append(suite.rows)
    lines = ["# Course-style models: cajal vs PyTorch, spread over rounds", "",
             f"Command: `make bench-course` ({args.rounds} rounds of `compare.py --quick --only course` in one process)", ""]
    lines += compare.machine()
    lines += ["- ratio = cajal time / torch time, min / median / max over the rounds; times are the medians", "",
              "| workload | cajal ms | torch ms | ratio min | median | max |", "|---|---|---|---|---|---|"]
    for i, (_, label, _, _) in enumerate(rounds[0]):
        cajal_times = [r[i][2]["cajal"] for r in rounds]
        torch_times = [r[i][2]["torch"] for r in rounds]
        ratios = sorted(c / t for c, t in zip(cajal_times, torch_times))
        lines.append(f"| {label} | {statistics.median(cajal_times) * 1e3:.3f} | {statistics.median(torch_times) * 1e3:.3f} | "
                     f"{ratios[0]:.2f} | {statistics.median(ratios):.2f} | {ratios[-1]:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(HERE, "COURSE.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
