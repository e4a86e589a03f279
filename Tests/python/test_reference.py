"""Holds the Python front to real PyTorch's numbers, case by case."""

import pytest

import cajal
from reference import DTYPES, assert_matches, load_cases, to_tensor

CASES = load_cases()


def scalar_of(attrs):
    return {"float": float, "int": int, "bool": bool}[attrs["scalar_type"]](attrs["scalar"])


def binary_scalar(fn):
    def run(x, attrs):
        s = scalar_of(attrs)
        return fn(s, x) if attrs.get("reverse") else fn(x, s)
    return run


def reduce(name):
    def run(x, attrs):
        if attrs.get("dim") is None:
            return getattr(x, name)()
        return getattr(x, name)(dim=attrs["dim"], keepdim=attrs["keepdim"])
    return run


# The same table as Tests/reference/generate.py, calling cajal.
OPS = {
    "add": lambda a, b, attrs: a + b,
    "sub": lambda a, b, attrs: a - b,
    "mul": lambda a, b, attrs: a * b,
    "div": lambda a, b, attrs: a / b,
    "pow": lambda a, b, attrs: a ** b,
    "add_scalar": binary_scalar(lambda a, b: a + b),
    "sub_scalar": binary_scalar(lambda a, b: a - b),
    "mul_scalar": binary_scalar(lambda a, b: a * b),
    "div_scalar": binary_scalar(lambda a, b: a / b),
    "pow_scalar": binary_scalar(lambda a, b: a ** b),
    "neg": lambda x, attrs: -x,
    "exp": lambda x, attrs: x.exp(),
    "log": lambda x, attrs: x.log(),
    "sqrt": lambda x, attrs: x.sqrt(),
    "relu": lambda x, attrs: x.relu(),
    "sigmoid": lambda x, attrs: x.sigmoid(),
    "tanh": lambda x, attrs: x.tanh(),
    "eq": lambda a, b, attrs: a == b,
    "ne": lambda a, b, attrs: a != b,
    "lt": lambda a, b, attrs: a < b,
    "le": lambda a, b, attrs: a <= b,
    "gt": lambda a, b, attrs: a > b,
    "ge": lambda a, b, attrs: a >= b,
    "lt_scalar": binary_scalar(lambda a, b: a < b),
    "eq_scalar": binary_scalar(lambda a, b: a == b),
    "where": lambda c, a, b, attrs: cajal.where(c, a, b),
    "matmul": lambda a, b, attrs: a @ b,
    "sum": reduce("sum"),
    "mean": reduce("mean"),
    "reshape": lambda x, attrs: x.reshape(attrs["shape"]),
    "view": lambda x, attrs: x.view(attrs["shape"]),
    "transpose": lambda x, attrs: x.transpose(attrs["dim0"], attrs["dim1"]),
    "t": lambda x, attrs: x.t(),
    "permute": lambda x, attrs: x.permute(attrs["dims"]),
    "expand": lambda x, attrs: x.expand(attrs["shape"]),
    "squeeze": lambda x, attrs: x.squeeze() if attrs.get("dim") is None else x.squeeze(attrs["dim"]),
    "unsqueeze": lambda x, attrs: x.unsqueeze(attrs["dim"]),
    "contiguous": lambda x, attrs: x.contiguous(),
    "clone": lambda x, attrs: x.clone(),
    "to": lambda x, attrs: x.to(DTYPES[attrs["dtype"]]),
    "zeros": lambda attrs: cajal.zeros(attrs["shape"], dtype=DTYPES[attrs["dtype"]]),
    "ones": lambda attrs: cajal.ones(attrs["shape"], dtype=DTYPES[attrs["dtype"]]),
    "full": lambda attrs: cajal.full(attrs["shape"], scalar_of(attrs), dtype=DTYPES[attrs["dtype"]]),
    "arange": lambda attrs: cajal.arange(attrs["start"], attrs["end"], attrs["step"], dtype=DTYPES.get(attrs.get("dtype"))),
}


def random_sequence(attrs):
    cajal.manual_seed(attrs["seed"])
    return [(cajal.rand if d["fn"] == "rand" else cajal.randn)(d["shape"], dtype=DTYPES[d["dtype"]]) for d in attrs["draws"]]


def apply_view(t, steps):
    for step in steps:
        if step["kind"] == "transpose":
            t = t.transpose(step["dim0"], step["dim1"])
        elif step["kind"] == "expand":
            t = t.expand(*step["shape"])
        elif step["kind"] == "permute":
            t = t.permute(*step["dims"])
    return t


def test_every_fixture_op_is_covered():
    assert {case["op"] for case in CASES} <= set(OPS) | {"random_sequence"}
    assert len(CASES) > 250


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reference_case(case):
    attrs = case["attrs"]
    if case["op"] == "random_sequence":
        outputs = random_sequence(attrs)
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
