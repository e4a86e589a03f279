"""cajal.optim against PyTorch's trajectories and learning-rate sequences
(Tests/reference/fixtures/training/optim.json), plus state dicts, clipping and bad inputs."""

import json
import math
import os

import pytest

import cajal
from reference import FIXTURES

with open(os.path.join(FIXTURES, "training", "optim.json")) as f:
    TRAINING = json.load(f)
PROBLEM = TRAINING["problem"]
DTYPES = {"float32": cajal.float32, "float64": cajal.float64}
TOLERANCE = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-12)}


def make_problem(dtype):
    dt = DTYPES[dtype]
    params = {"W": cajal.tensor(PROBLEM["W"], dtype=dt, requires_grad=True),
              "b": cajal.tensor(PROBLEM["b"], dtype=dt, requires_grad=True)}
    x, y = cajal.tensor(PROBLEM["x"], dtype=dt), cajal.tensor(PROBLEM["y"], dtype=dt)
    return params, x, y


def make_optimizer(case, params):
    groups = [dict(g["options"], params=[params[n] for n in g["params"]]) for g in case["groups"]]
    return getattr(cajal.optim, case["optimizer"])(groups, **case["defaults"])


def closure_for(opt, params, x, y):
    def evaluate():
        opt.zero_grad()
        W, b = params["W"], params["b"]
        loss = ((x @ W.T + b - y) ** 2).mean() + 0.01 * (W ** 4).sum()
        loss.backward()
        return loss
    return evaluate


def assert_close(got, expected, dtype, what, atol=None):
    rtol, default_atol = TOLERANCE[dtype]
    atol = default_atol if atol is None else atol
    assert len(got) == len(expected), what
    for i, (a, e) in enumerate(zip(got, expected)):
        assert abs(a - e) <= atol + rtol * abs(e), f"{what}[{i}]: {a} != torch's {e}"


def run(case, opt, params, x, y, start, stop):
    evaluate = closure_for(opt, params, x, y)
    # L-BFGS divides by differences of gradients, which magnifies float32's
    # last-bit differences in the loss's sums; its float64 case holds it to 1e-10.
    atol = 2e-5 if case["closure"] and case["dtype"] == "float32" else None
    for step in range(start, stop):
        if case["closure"]:
            loss = opt.step(evaluate)
        else:
            loss = evaluate()
            opt.step()
        assert_close([loss.item()], [case["losses"][step]], case["dtype"], f"{case['name']} loss at step {step}", atol)
        for name, p in params.items():
            assert_close(p.detach().reshape(-1).tolist(), case["trajectory"][step][name], case["dtype"],
                         f"{case['name']} {name} after step {step + 1}", atol)


@pytest.mark.parametrize("case", TRAINING["optimizers"], ids=[c["name"] for c in TRAINING["optimizers"]])
def test_optimizer_trajectory_matches_torch(case):
    params, x, y = make_problem(case["dtype"])
    opt = make_optimizer(case, params)
    run(case, opt, params, x, y, 0, len(case["trajectory"]))
    state = opt.state_dict()["state"]
    for index, expected in case["final_state"].items():
        for key, values in expected.items():
            if case["closure"] and case["dtype"] == "float32" and key not in ("func_evals", "n_iter"):
                continue  # L-BFGS's curvature internals are held to torch's in the float64 case
            got = state[int(index)][key]
            got = got.reshape(-1).tolist() if isinstance(got, cajal.Tensor) else [got]
            values = values if isinstance(values, list) else [values]
            assert_close(got, values, case["dtype"], f"{case['name']} state[{index}][{key!r}]")


@pytest.mark.parametrize("case", [c for c in TRAINING["optimizers"] if not c["closure"]],
                         ids=[c["name"] for c in TRAINING["optimizers"] if not c["closure"]])
def test_state_dict_resumes_the_trajectory(case):
    """Ten steps, a state_dict through a fresh optimizer (as a checkpoint would), ten more: torch's 20 steps."""
    params, x, y = make_problem(case["dtype"])
    opt = make_optimizer(case, params)
    run(case, opt, params, x, y, 0, 10)
    saved = opt.state_dict()
    opt = make_optimizer(case, params)
    opt.load_state_dict(saved)
    run(case, opt, params, x, y, 10, len(case["trajectory"]))


def build_scheduler(optimizer, spec, lambdas):
    kwargs = dict(spec.get("kwargs", {}))
    if spec["name"] == "SequentialLR":
        kwargs["schedulers"] = [build_scheduler(optimizer, inner, lambdas) for inner in spec["schedulers"]]
    if spec["name"] == "LambdaLR":
        kwargs["lr_lambda"] = [eval(lambdas[k]) for k in kwargs["lr_lambda"]]  # noqa: S307 - the fixture's table
    return getattr(cajal.optim.lr_scheduler, spec["name"])(optimizer, **kwargs)


@pytest.mark.parametrize("case", TRAINING["schedulers"], ids=[c["name"] for c in TRAINING["schedulers"]])
def test_scheduler_sequence_matches_torch(case):
    options = case["optimizer"]
    params = [cajal.zeros(2, requires_grad=True) for _ in range(options.get("groups", 1))]
    kwargs = {k: v for k, v in options.items() if k not in ("groups", "optimizer")}
    optimizer = getattr(cajal.optim, options.get("optimizer", "SGD"))([{"params": [p]} for p in params], **kwargs)
    scheduler = build_scheduler(optimizer, case["scheduler"], case["lambdas"])

    def check(epoch):
        for got, expected in zip([g["lr"] for g in optimizer.param_groups], case["lrs"][epoch]):
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-15), f"{case['name']} lr at epoch {epoch}"
        momenta = [g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in optimizer.param_groups]
        assert momenta == pytest.approx(case["momenta"][epoch], rel=1e-12), f"{case['name']} momentum at {epoch}"

    check(0)
    for epoch in range(case["epochs"]):
        optimizer.step()
        scheduler.step(case["metrics"][epoch]) if case["metrics"] else scheduler.step()
        check(epoch + 1)
    assert scheduler.get_last_lr() == pytest.approx(case["last_lr"], rel=1e-12)


def test_scheduler_state_dict_round_trip():
    opt = cajal.optim.SGD([cajal.zeros(1, requires_grad=True)], lr=0.1)
    sched = cajal.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for _ in range(4):
        sched.step()
    saved = sched.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 4
    other = cajal.optim.lr_scheduler.StepLR(opt, step_size=99)
    other.load_state_dict(saved)
    assert other.step_size == 3 and other.last_epoch == 4


# ------------------------------------------------------------- behaviour


def test_zero_grad_to_none_and_to_zeros():
    p = cajal.ones(3, requires_grad=True)
    opt = cajal.optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_parameters_without_grad_are_skipped_and_keep_no_state():
    a, b = cajal.ones(2, requires_grad=True), cajal.ones(2, requires_grad=True)
    opt = cajal.optim.Adam([a, b], lr=0.1)
    (a * 3).sum().backward()
    opt.step()
    assert b.tolist() == [1.0, 1.0] and a.tolist() != [1.0, 1.0]
    assert b not in opt.state and opt.state[a]["step"].item() == 1.0


def test_add_param_group_and_per_group_options():
    a, b = cajal.ones(2, requires_grad=True), cajal.ones(2, requires_grad=True)
    opt = cajal.optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 1.0})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 1.0]
    assert opt.param_groups[1]["momentum"] == 0.9
    (a + b).sum().backward()
    opt.step()
    assert a.tolist() == pytest.approx([0.9, 0.9]) and b.tolist() == pytest.approx([0.0, 0.0])


def test_named_parameters_and_module_parameters():
    model = cajal.nn.Linear(3, 2)
    opt = cajal.optim.AdamW(model.named_parameters(), lr=0.01)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    model(cajal.ones(4, 3)).sum().backward()
    before = model.weight.detach().clone()
    opt.step()
    assert not cajal.equal(before, model.weight.detach())


def test_state_dict_layout_is_torchs():
    p = cajal.ones(2, requires_grad=True)
    opt = cajal.optim.Adam([p], lr=0.1)
    p.sum().backward()
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["param_groups"][0]["params"] == [0] and sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert sd["state"][0]["step"].dtype is cajal.float32 and sd["state"][0]["step"].shape == ()


def test_lbfgs_minimises_a_quadratic_to_its_solution():
    # min |A x - c|^2 has the solution A^-1 c; L-BFGS gets there in a few iterations.
    A = cajal.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=cajal.float64)
    c = cajal.tensor([1.0, -1.0], dtype=cajal.float64)
    x = cajal.zeros(2, dtype=cajal.float64, requires_grad=True)
    opt = cajal.optim.LBFGS([x], lr=1, max_iter=50)

    def closure():
        opt.zero_grad()
        loss = ((A @ x - c) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert x.tolist() == pytest.approx([0.6, -0.8], abs=1e-6)


# ------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("make, message", [
    (lambda p: cajal.optim.SGD(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: cajal.optim.SGD(p, lr=0.1, momentum=-0.5), "Invalid momentum value"),
    (lambda p: cajal.optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: cajal.optim.Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: cajal.optim.Adam(p, eps=-1e-8), "Invalid epsilon value"),
    (lambda p: cajal.optim.AdamW(p, weight_decay=-0.1), "Invalid weight_decay value"),
    (lambda p: cajal.optim.Adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
    (lambda p: cajal.optim.RMSprop(p, alpha=-1), "Invalid alpha value"),
    (lambda p: cajal.optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value"),
])
def test_bad_options_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make([cajal.ones(2, requires_grad=True)])


def test_bad_parameter_lists():
    p = cajal.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        cajal.optim.Adam([])
    with pytest.raises(TypeError, match="iterable of Tensors"):
        cajal.optim.Adam(p)
    with pytest.raises(ValueError, match="non-leaf"):
        cajal.optim.Adam([p * 2])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        cajal.optim.Adam([1.0])
    with pytest.raises(ValueError, match="more than one parameter group"):
        cajal.optim.Adam([{"params": [p]}, {"params": [p]}])
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        from cajal.optim.optimizer import Optimizer, required
        Optimizer([p], {"lr": required})


def test_load_state_dict_mismatches():
    a, b = cajal.ones(2, requires_grad=True), cajal.ones(3, requires_grad=True)
    saved = cajal.optim.Adam([a, b]).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        cajal.optim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size"):
        cajal.optim.Adam([a]).load_state_dict(saved)


def test_state_of_the_wrong_shape_is_an_error_not_a_crash():
    a, b = cajal.ones(2, requires_grad=True), cajal.ones(3, requires_grad=True)
    opt = cajal.optim.Adam([a, b])
    (a.sum() + b.sum()).backward()
    opt.step()
    swapped = opt.state_dict()
    swapped["state"][0], swapped["state"][1] = swapped["state"][1], swapped["state"][0]
    opt.load_state_dict(swapped)
    before = a.tolist(), b.tolist()
    with pytest.raises(RuntimeError, match=r"\[Adam\] state 'exp_avg' of parameter 0 has shape \(3\)"):
        opt.step()
    # The process lives on, and the refused step changed no parameter.
    assert (a.tolist(), b.tolist()) == before


def test_integer_parameters_are_refused():
    p = cajal.ones(2, dtype=cajal.int64)
    opt = cajal.optim.SGD([p], lr=0.1)
    p.grad = cajal.ones(2, dtype=cajal.int64)
    with pytest.raises(TypeError, match=r"\[SGD\] parameter 0 has dtype int64"):
        opt.step()


def test_lbfgs_refusals():
    p = cajal.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups"):
        cajal.optim.LBFGS([{"params": [p]}, {"params": [cajal.ones(1, requires_grad=True)]}])
    with pytest.raises(NotImplementedError, match="strong_wolfe"):
        cajal.optim.LBFGS([p], line_search_fn="strong_wolfe")
    with pytest.raises(RuntimeError, match="closure"):
        cajal.optim.LBFGS([p]).step(None)


def test_scheduler_refusals():
    opt = cajal.optim.SGD([cajal.ones(1, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        cajal.optim.lr_scheduler.StepLR(object(), 3)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        cajal.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=2.0)
    with pytest.raises(ValueError, match="total_steps OR"):
        cajal.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0)
    sched = cajal.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        sched.step()


# ------------------------------------------------------------- clipping and vectors


def grads_of(values):
    params = []
    for v in values:
        p = cajal.tensor(v, requires_grad=True)
        p.grad = cajal.tensor(v)
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_scales_to_max_norm(norm_type):
    values = [[3.0, -4.0], [[1.0, 2.0], [-2.0, 0.5]]]
    flat = [3.0, -4.0, 1.0, 2.0, -2.0, 0.5]
    expected = max(abs(v) for v in flat) if norm_type == math.inf else sum(abs(v) ** norm_type for v in flat) ** (1 / norm_type)
    params = grads_of(values)
    total = cajal.nn.utils.clip_grad_norm_(params, max_norm=1.0, norm_type=norm_type)
    assert total.item() == pytest.approx(expected, rel=1e-6)
    scale = 1.0 / (expected + 1e-6)
    got = params[0].grad.tolist() + sum(params[1].grad.tolist(), [])
    assert got == pytest.approx([v * scale for v in flat], rel=1e-6)
    # Below the limit nothing changes.
    params = grads_of(values)
    cajal.nn.utils.clip_grad_norm_(params, max_norm=100.0, norm_type=norm_type)
    assert params[0].grad.tolist() == pytest.approx([3.0, -4.0])


def test_clip_grad_norm_nonfinite():
    params = grads_of([[1.0, float("inf")]])
    with pytest.raises(RuntimeError, match="non-finite"):
        cajal.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert params[0].grad.tolist() == [1.0, float("inf")]  # untouched
    assert math.isinf(cajal.nn.utils.clip_grad_norm_(params, 1.0).item())


def test_clip_grad_value_and_no_grads():
    params = grads_of([[0.5, -3.0, 2.0]])
    cajal.nn.utils.clip_grad_value_(params, 1.0)
    assert params[0].grad.tolist() == [0.5, -1.0, 1.0]
    assert cajal.nn.utils.clip_grad_norm_([cajal.ones(2, requires_grad=True)], 1.0).item() == 0.0


def test_parameters_to_vector_and_back():
    model = cajal.nn.Linear(3, 2)
    vec = cajal.nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (8,)
    cajal.nn.utils.vector_to_parameters(cajal.arange(8.0), model.parameters())
    assert model.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and model.bias.tolist() == [6.0, 7.0]
    with pytest.raises(RuntimeError, match="hold 8 elements"):
        cajal.nn.utils.vector_to_parameters(cajal.arange(7.0), model.parameters())
