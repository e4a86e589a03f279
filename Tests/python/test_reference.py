"""Holds the Python front to real PyTorch's numbers, case by case."""

import pytest

import cajal
from optable import apply_view, make_ops
from reference import assert_matches, load_cases, to_tensor

CASES = load_cases()


OPS = make_ops(cajal)


def test_every_fixture_op_is_covered():
    assert {case["op"] for case in CASES} <= set(OPS)
    assert len(CASES) > 250


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_case(case):
    attrs = case["attrs"]
    if case["op"] == "random_sequence":
        outputs = OPS["random_sequence"](attrs)
        bases = []
    else:
        bases = []
        args = []
        for spec in case["inputs"]:
            base = to_tensor(spec["data"])
            if spec["requires_grad"]:
                base.requires_grad_(True)
            bases.append(base)
            args.append(apply_view(base, spec["view"]))
        result = OPS[case["op"]](*args, attrs)
        outputs = list(result) if isinstance(result, (tuple, list)) else [result]

    assert len(outputs) == len(case["outputs"])
    loss = None
    for k, (out, expected, weight) in enumerate(zip(outputs, case["outputs"], case["grad_weights"])):
        assert_matches(out, expected, f"{case['name']} output {k}", case.get("atol", 0.0))
        if weight is not None:
            term = (out * to_tensor(weight)).sum()
            loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()
    for i, (base, expected) in enumerate(zip(bases, case["grads"])):
        if expected is None:
            assert base.grad is None, f"{case['name']}: input {i} should get no gradient"
        else:
            assert base.grad is not None, f"{case['name']}: input {i} got no gradient"
            assert_matches(base.grad, expected, f"{case['name']} grad {i}", case.get("atol", 0.0))
