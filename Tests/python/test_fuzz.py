"""Thousands of random op calls in one process, valid and invalid.

The calls (Tests/reference/fuzztable.py) were replayed on real torch by
generate.py: where torch returned, cajal must return the same values; where
torch raised, cajal must raise a Python exception of its own (never crash the
process, never answer silently). The class may differ when the two check the
arguments in a different order. Where torch raises NotImplementedError for a
dtype it lacks a kernel for (argmax of bool, say), cajal may compute it.

A second, torch-free fuzzer throws wilder arguments (huge or negative sizes,
absurd dims) and only asks that every call returns or raises cleanly.
"""

import json
import math
import os
import subprocess
import sys

import cajal
from fuzztable import run
from reference import DTYPES, FIXTURES, TOLERANCE, flat_values, to_tensor

with open(os.path.join(FIXTURES, "python", "fuzz.json")) as f:
    CALLS = json.load(f)["calls"]

CAJAL_ERRORS = (RuntimeError, IndexError, ValueError, TypeError, NotImplementedError)


def mismatch(actual, spec):
    """Why a cajal tensor differs from a fixture tensor, or None."""
    if not isinstance(actual, cajal.Tensor):
        return f"returned {type(actual).__name__}, not a tensor"
    if actual.dtype is not DTYPES[spec["dtype"]]:
        return f"dtype {actual.dtype} != {spec['dtype']}"
    if list(actual.shape) != spec["shape"]:
        return f"shape {list(actual.shape)} != {spec['shape']}"
    rtol, atol = TOLERANCE.get(spec["dtype"], (0.0, 0.0))
    got = actual.reshape(-1).tolist() if actual.numel() else []
    for i, (g, e) in enumerate(zip(got, flat_values(spec))):
        if isinstance(e, float) and math.isnan(e):
            if not math.isnan(g):
                return f"[{i}] {g} != nan"
        elif isinstance(e, float) and math.isinf(e):
            if g != e:
                return f"[{i}] {g} != {e}"
        elif abs(g - e) > atol + rtol * abs(e):
            return f"[{i}] {g} != {e}"
    return None


def replay(call):
    tensors = [to_tensor(spec) for spec in call["inputs"]]
    try:
        out = run(cajal, call, tensors)
    except CAJAL_ERRORS as error:
        if "error" in call:
            return None
        return f"raised {type(error).__name__}: {error}, torch returned"
    if "error" in call:
        if call["error"] == "NotImplementedError":
            return None
        return f"returned, torch raised {call['error']}"
    outputs = list(out) if isinstance(out, tuple) else [out]
    if len(outputs) != len(call["outputs"]):
        return f"{len(outputs)} outputs, torch gave {len(call['outputs'])}"
    if call["op"] == "topk":
        # Ties may pick different positions: the values must match, and the
        # indices must point at them.
        values, indices = outputs
        problem = mismatch(values, call["outputs"][0])
        if problem is None and values.numel():
            x = tensors[0]
            problem = mismatch(x.gather(call["args"]["dim"], indices), call["outputs"][0])
        return problem
    for k, (o, spec) in enumerate(zip(outputs, call["outputs"])):
        problem = mismatch(o, spec)
        if problem:
            return f"output {k}: {problem}"
    return None


def test_the_corpus_is_large_and_mixed():
    assert len(CALLS) >= 3000
    errors = sum("error" in c for c in CALLS)
    assert 0.15 * len(CALLS) < errors < 0.5 * len(CALLS)
    assert len({c["op"] for c in CALLS}) > 80


def test_random_calls_agree_with_torch():
    problems = []
    for i, call in enumerate(CALLS):
        problem = replay(call)
        if problem:
            shapes = [(s["dtype"], s["shape"]) for s in call["inputs"]]
            problems.append(f"call {i} {call['op']} {call['args']} on {shapes}: {problem}")
    assert not problems, f"{len(problems)} of {len(CALLS)} calls disagree:\n" + "\n".join(problems[:30])


# ---------------------------------------------------------------- torch-free

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_wild_arguments_never_kill_the_process():
    """The quick run of the crash campaign (Tests/fuzz/campaign.py, `make fuzz`
    for the long one): 4000 wild calls of every public function, Tensor method,
    nn module and optimizer, with integers beyond int64, geometry beyond its
    bound, nan and inf, in worker processes that report a crash or a hang with
    the command that replays it."""
    report = os.path.join(ROOT, ".build", "fuzz", "quick-report.md")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "fuzz", "campaign.py"), "--python-calls", "4000",
                             "--c-calls", "0", "--workers", "2", "--seed", "20261207", "--report", report],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "| Python wild calls (Tests/fuzz/wild.py) | 4000 |" in result.stdout
    assert "Crashes: 0. Hangs" in result.stdout and "Hangs (silent for 60.0 s): 0." in result.stdout
    # The engine refused most of them with its own exceptions, and still computes.
    outcomes = dict(part.rsplit(" ", 1) for part in result.stdout.split("Python calls by outcome: ")[1].splitlines()[0].split(", "))
    assert int(outcomes["returned"]) > 500 and int(outcomes.get("OverflowError", 0)) > 50
    assert (cajal.ones(2, 2) @ cajal.ones(2, 2)).tolist() == [[2.0, 2.0], [2.0, 2.0]]
