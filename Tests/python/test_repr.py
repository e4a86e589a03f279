"""Tensors print as torch prints them (torch. becomes cajal.)."""

import json
import os

import pytest

import cajal
from reference import DTYPES, FIXTURES

with open(os.path.join(FIXTURES, "python", "repr.json")) as f:
    CASES = json.load(f)["reprs"]


def build(case):
    dtype = DTYPES[case["dtype"]]
    if "zeros" in case:
        return cajal.zeros(case["zeros"], dtype=dtype)
    t = cajal.tensor(case["data"], dtype=dtype, requires_grad=case["requires_grad"])
    if case.get("times_two_plus_one"):
        t = t * 2 + 1
    return t


@pytest.mark.parametrize("case", CASES, ids=[c["repr"][:40] for c in CASES])
def test_repr_matches_torch(case):
    assert repr(build(case)) == case["repr"].replace("torch.", "cajal.")
