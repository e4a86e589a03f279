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
import random

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

WILD_INTS = [0, 1, -1, 2, 3, -7, 2**40, -(2**31) - 1, 2**62, -(2**63), 2**63 - 1]


def wild_call(rng):
    """One call with arguments far outside what ops expect."""
    x = cajal.randn(*[rng.choice([1, 2, 3]) for _ in range(rng.randint(0, 3))])
    n = rng.choice(WILD_INTS)
    m = rng.choice(WILD_INTS)
    calls = [
        lambda: cajal.zeros(n),
        lambda: cajal.zeros(n, m),
        lambda: cajal.ones(3, n),
        lambda: cajal.full((n,), 1.0),
        lambda: cajal.arange(0, n, m or 1),
        lambda: cajal.arange(0.0, float(n), 1e-300),
        lambda: cajal.linspace(0, 1, n),
        lambda: cajal.eye(n, m),
        lambda: cajal.randperm(n),
        lambda: cajal.randint(0, n, (2,)),
        lambda: cajal.empty(n),
        lambda: x.view(n),
        lambda: x.reshape(n, m),
        lambda: x.expand(n, m),
        lambda: x.repeat(n, m),
        lambda: x.sum(n),
        lambda: x.transpose(n, m),
        lambda: x.narrow(0, n, m),
        lambda: x.select(0, n),
        lambda: x.unsqueeze(n),
        lambda: x.squeeze(n),
        lambda: x.flatten(n, m),
        lambda: x.unflatten(0, (n, m)),
        lambda: x.split(n),
        lambda: x.chunk(n),
        lambda: x.topk(n),
        lambda: x.roll(n, m),
        lambda: x.diagonal(n, 0, 1),
        lambda: x.tril(n),
        lambda: x[n],
        lambda: x[n:m:rng.choice([1, 2, n or 1])],
        lambda: x[..., n],
        lambda: x[[n, m]],
        lambda: x.index_select(0, cajal.tensor([n])),
        lambda: x.gather(0, cajal.full(x.shape, n, dtype=cajal.int64)),
        lambda: x.scatter(0, cajal.full(x.shape, m, dtype=cajal.int64), 1.0),
        lambda: cajal.nn.functional.one_hot(cajal.tensor([0, 1]), n),
        lambda: x.clamp(float(n), float(m)),
        lambda: x.pow(float(n)),
        lambda: x.norm(float(n)),
        lambda: x.var(correction=n),
        lambda: x.new_zeros(n),
        lambda: cajal.einsum("ij,jk->ik", x, x) if x.dim() == 2 else cajal.einsum("i...", x),
        lambda: cajal.cat([x, x], n),
        lambda: cajal.stack([x, x], n),
        lambda: x.permute(*[n] * x.dim()),
        lambda: x.movedim(n, m),
        lambda: x.masked_fill(cajal.tensor(True), float(n)),
        lambda: cajal.tensor([[1, 2], [3]]),
        lambda: cajal.tensor(float(n)).item(),
        lambda: cajal.linalg.solve(cajal.zeros(n if 0 <= n < 4 else 2, 2), cajal.ones(2)),
    ]
    return rng.choice(calls)


def test_wild_arguments_raise_cleanly():
    rng = random.Random(20261121)
    outcomes = {"returned": 0, "raised": 0}
    for _ in range(3000):
        call = wild_call(rng)
        try:
            call()
            outcomes["returned"] += 1
        except (*CAJAL_ERRORS, OverflowError, MemoryError):
            # MemoryError: cajal refuses sizes it cannot allocate.
            outcomes["raised"] += 1
    # The process is alive and the engine still works.
    assert outcomes["raised"] > 1000 and outcomes["returned"] > 300
    assert (cajal.ones(2, 2) @ cajal.ones(2, 2)).tolist() == [[2.0, 2.0], [2.0, 2.0]]
