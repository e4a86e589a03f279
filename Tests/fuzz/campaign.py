"""The crash campaign: hundreds of thousands of wild calls through Python
(Tests/fuzz/wild.py) and millions through C (Tests/fuzz/c_fuzzer.c), in
worker processes that are restarted when one dies, so that a crash is
recorded with its reproducer instead of ending the run.

    python3 Tests/fuzz/campaign.py --python-calls 400000 --c-calls 2000000   # make fuzz
    python3 Tests/fuzz/campaign.py --python-calls 3000 --c-calls 20000       # the quick run in make test

Workers run under an address-space limit (--rlimit-gib), so that requests the
engine would honour on a big machine are refused quickly here, through the
same checks. A worker silent for --call-timeout seconds is a hang: it is
killed with SIGABRT (the C fuzzer then prints its last calls). The report
(.build/fuzz/report.md) gives the calls made, the crashes and hangs with the
command that replays each, and the exception classes the Python calls raised.
Exit status 1 when anything crashed or hung.
"""

import argparse
import collections
import json
import os
import resource
import select
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The exception classes torch raises for bad arguments; any other class a
# call raises is listed in the report (a Python-level gap, not a crash).
TORCH_CLASSES = {"RuntimeError", "ValueError", "TypeError", "IndexError", "NotImplementedError", "OverflowError",
                 "MemoryError", "OutOfMemoryError"}


def python_worker(seed, start, count, rlimit_gib):
    """Runs calls start..start+count-1, printing each index before its call."""
    limit = int(rlimit_gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import faulthandler
    faulthandler.enable()
    sys.path.insert(0, HERE)
    import wild
    classes = collections.Counter()
    examples = {}
    out = sys.stdout
    for index in range(start, start + count):
        out.write(f"{index}\n")
        out.flush()
        raised = wild.run(seed, index)
        classes[raised or "returned"] += 1
        if raised and raised not in TORCH_CLASSES and raised not in examples:
            examples[raised] = index
    out.write("done " + json.dumps({"classes": classes, "examples": examples}) + "\n")
    out.flush()


class Job:
    def __init__(self, kind, seed, start, count):
        self.kind, self.seed, self.start, self.count = kind, seed, start, count

    def command(self, options):
        if self.kind == "python":
            return [sys.executable, os.path.abspath(__file__), "--worker", "--seed", str(self.seed), "--start",
                    str(self.start), "--count", str(self.count), "--rlimit-gib", str(options.rlimit_gib)]
        return [options.c_fuzzer, "--seed", str(self.seed), "--calls", str(self.count), "--rlimit-gib",
                str(options.rlimit_gib)]


class Campaign:
    def __init__(self, options):
        self.options = options
        self.jobs = collections.deque()
        self.running = {}
        self.calls = collections.Counter()
        self.classes = collections.Counter()
        self.examples = {}
        self.statuses = collections.Counter()
        self.failures = []
        self.next_c_seed = options.seed * 1000 + 1

    def plan(self):
        o = self.options
        chunk = max(1, min(20000, o.python_calls // max(1, 4 * o.workers) or 1))
        for start in range(0, o.python_calls, chunk):
            self.jobs.append(Job("python", o.seed, start, min(chunk, o.python_calls - start)))
        c_chunk = max(1, min(200000, o.c_calls // max(1, 2 * o.workers) or 1))
        for done in range(0, o.c_calls, c_chunk):
            self.jobs.append(Job("c", self.take_c_seed(), 0, min(c_chunk, o.c_calls - done)))

    def take_c_seed(self):
        self.next_c_seed += 1
        return self.next_c_seed

    def start(self, job):
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), CAJAL_NUM_THREADS="1")
        process = subprocess.Popen(job.command(self.options), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        os.set_blocking(process.stdout.fileno(), False)
        self.running[process.stdout.fileno()] = {"process": process, "job": job, "last": job.start - 1, "seen": time.time(),
                                                 "buffer": b"", "done": None}

    def read(self, state):
        try:
            chunk = os.read(state["process"].stdout.fileno(), 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            return
        state["seen"] = time.time()
        state["buffer"] += chunk
        *lines, state["buffer"] = state["buffer"].split(b"\n")
        for line in lines:
            text = line.decode(errors="replace")
            if text.startswith("done "):
                state["done"] = json.loads(text[5:])
            elif text.startswith("c_fuzzer:"):
                state["done"] = text
            elif text.startswith("progress "):
                state["last"] = int(text.split()[1])
            elif text.isdigit():
                state["last"] = int(text)

    def finish(self, fd, hung=False):
        state = self.running.pop(fd)
        process, job = state["process"], state["job"]
        if hung:
            process.send_signal(signal.SIGABRT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        rest = process.stdout.read() or b""
        state["buffer"] += rest
        for line in state["buffer"].split(b"\n"):
            text = line.decode(errors="replace")
            if text.startswith("done "):
                state["done"] = json.loads(text[5:])
            elif text.startswith("c_fuzzer:"):
                state["done"] = text
            elif text.isdigit():
                state["last"] = int(text)
        stderr = process.stderr.read().decode(errors="replace")
        if process.returncode == 0 and state["done"] is not None and not hung:
            self.account(job, state["done"], job.count)
            return
        # A crash or hang: record it, count what ran, and run the rest again.
        if job.kind == "python":
            failed = max(state["last"], job.start)
            made = failed - job.start + 1
            replay = f"PYTHONPATH=python python3 Tests/fuzz/wild.py --seed {job.seed} --index {failed}"
            rest = Job("python", job.seed, failed + 1, job.start + job.count - failed - 1)
        else:
            made = state["last"] if state["last"] > 0 else 0
            replay = f"{job.command(self.options)[0]} --seed {job.seed} --calls {job.count}"
            rest = Job("c", self.take_c_seed(), 0, job.count - made - 1)
        self.calls[job.kind] += made
        self.failures.append({"kind": "hang" if hung else "crash", "fuzzer": job.kind, "returncode": process.returncode,
                              "replay": replay, "stderr": stderr[-4000:]})
        if rest.count > 0:
            self.jobs.append(rest)

    def account(self, job, done, count):
        self.calls[job.kind] += count
        if job.kind == "python":
            self.classes.update(done["classes"])
            for name, index in done["examples"].items():
                self.examples.setdefault(name, (job.seed, index))
        else:
            for part in done.split("statuses:")[1].split():
                status, n = part.split(":")
                self.statuses[int(status)] += int(n)

    def run(self):
        self.plan()
        began = time.time()
        while self.jobs or self.running:
            while self.jobs and len(self.running) < self.options.workers:
                self.start(self.jobs.popleft())
            ready, _, _ = select.select(list(self.running), [], [], 1.0)
            for fd in ready:
                self.read(self.running[fd])
            now = time.time()
            for fd, state in list(self.running.items()):
                if state["process"].poll() is not None:
                    self.finish(fd)
                elif now - state["seen"] > self.options.call_timeout:
                    self.finish(fd, hung=True)
            if self.options.verbose:
                print(f"\r{int(now - began)} s: python {self.calls['python']}, c {self.calls['c']}, "
                      f"failures {len(self.failures)}   ", end="", file=sys.stderr, flush=True)
        self.elapsed = time.time() - began

    def report(self):
        o = self.options
        lines = ["# Fuzz campaign", "",
                 f"`{' '.join(sys.argv)}`: {o.workers} workers, address space limited to {o.rlimit_gib} GiB each.", "",
                 "| fuzzer | calls |", "|---|---|",
                 f"| Python wild calls (Tests/fuzz/wild.py) | {self.calls['python']} |",
                 f"| C calls of every header function (Tests/fuzz/c_fuzzer.c) | {self.calls['c']} |",
                 f"| **total** | **{self.calls['python'] + self.calls['c']}** in {self.elapsed:.0f} s |", "",
                 f"Crashes: {sum(f['kind'] == 'crash' for f in self.failures)}. "
                 f"Hangs (silent for {o.call_timeout} s): {sum(f['kind'] == 'hang' for f in self.failures)}.", ""]
        for f in self.failures:
            lines += [f"## {f['kind']} in the {f['fuzzer']} fuzzer (exit {f['returncode']})", "",
                      f"Replay: `{f['replay']}`", "", "```", f["stderr"].strip()[-3000:], "```", ""]
        if self.classes:
            lines += ["Python calls by outcome: " + ", ".join(f"{k} {v}" for k, v in self.classes.most_common()), ""]
        odd = {k: v for k, v in self.examples.items() if k not in TORCH_CLASSES}
        if odd:
            lines += ["Raised a class torch would not (a clean raise, but worth a better message):"]
            lines += [f"- {name}: `PYTHONPATH=python python3 Tests/fuzz/wild.py --seed {s} --index {i}`"
                      for name, (s, i) in sorted(odd.items())]
            lines.append("")
        if self.statuses:
            names = ["OK", "RUNTIME", "SHAPE", "INDEX", "TYPE", "VALUE", "NOT_IMPLEMENTED", "OUT_OF_MEMORY", "NULL_ARGUMENT"]
            lines.append("C statuses: " + ", ".join(f"{names[s]} {n}" for s, n in sorted(self.statuses.items())))
        text = "\n".join(lines) + "\n"
        os.makedirs(os.path.dirname(o.report), exist_ok=True)
        with open(o.report, "w") as f:
            f.write(text)
        return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python-calls", type=int, default=400000)
    parser.add_argument("--c-calls", type=int, default=2000000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--rlimit-gib", type=float, default=3.0)
    parser.add_argument("--call-timeout", type=float, default=60.0)
    parser.add_argument("--c-fuzzer", default=os.path.join(ROOT, ".build", "fuzz", "c_fuzzer"))
    parser.add_argument("--report", default=os.path.join(ROOT, ".build", "fuzz", "report.md"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        python_worker(options.seed, options.start, options.count, options.rlimit_gib)
        return 0
    if options.c_calls and not os.path.exists(options.c_fuzzer):
        print(f"campaign.py: {options.c_fuzzer} is missing; `make fuzz` builds it", file=sys.stderr)
        return 2
    campaign = Campaign(options)
    campaign.run()
    if options.verbose:
        print(file=sys.stderr)
    print(campaign.report())
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
