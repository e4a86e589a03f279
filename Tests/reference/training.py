"""Training-kit fixtures: optimizer trajectories and learning-rate sequences from real PyTorch.

Written by generate.py to Tests/reference/fixtures/training/. Every optimizer
case trains the same small problem for 20 steps,

    loss = mean((x @ W.T + b - y)^2) + 0.01 * sum(W^4)

and records the parameters after each step. Every scheduler case records the
learning rates (and momenta) of each param group over a run of epochs.
"""

import numpy as np
import torch

rng = np.random.default_rng(20261122)
PROBLEM = {
    "W": rng.standard_normal((3, 4)).round(4).tolist(),
    "b": rng.standard_normal(3).round(4).tolist(),
    "x": rng.standard_normal((8, 4)).round(4).tolist(),
    "y": rng.standard_normal((8, 3)).round(4).tolist(),
}
STEPS = 20

# (name, optimizer, groups as [(param names, options)], defaults, dtype, closure)
OPTIMIZER_CASES = [
    ("sgd/plain", "SGD", [(["W", "b"], {})], {"lr": 0.05}),
    ("sgd/momentum_dampening_weight_decay", "SGD", [(["W", "b"], {})],
     {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("sgd/nesterov_maximize", "SGD", [(["W", "b"], {})],
     {"lr": 0.01, "momentum": 0.8, "nesterov": True, "maximize": True}),
    ("sgd/param_groups", "SGD", [(["W"], {"lr": 0.02, "momentum": 0.5}), (["b"], {"weight_decay": 0.1})],
     {"lr": 0.05}),
    ("adam/default", "Adam", [(["W", "b"], {})], {"lr": 0.05}),
    ("adam/amsgrad_weight_decay", "Adam", [(["W", "b"], {})],
     {"lr": 0.05, "betas": [0.8, 0.99], "amsgrad": True, "weight_decay": 0.1}),
    ("adam/maximize_float64", "Adam", [(["W", "b"], {})], {"lr": 0.01, "maximize": True}, "float64"),
    ("adam/param_groups", "Adam", [(["W"], {"lr": 0.1, "eps": 1e-6}), (["b"], {"betas": [0.5, 0.9]})],
     {"lr": 0.02}),
    ("adamw/default", "AdamW", [(["W", "b"], {})], {"lr": 0.05}),
    ("adamw/amsgrad", "AdamW", [(["W", "b"], {})], {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
    ("rmsprop/default", "RMSprop", [(["W", "b"], {})], {"lr": 0.01}),
    ("rmsprop/centered_momentum_weight_decay", "RMSprop", [(["W", "b"], {})],
     {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.05}),
    ("adagrad/default", "Adagrad", [(["W", "b"], {})], {"lr": 0.1}),
    ("adagrad/lr_decay_initial_accumulator", "Adagrad", [(["W", "b"], {})],
     {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2, "weight_decay": 0.01, "eps": 1e-8}),
    ("adadelta/default", "Adadelta", [(["W", "b"], {})], {}),
    ("adadelta/rho_weight_decay_maximize", "Adadelta", [(["W", "b"], {})],
     {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("nadam/default", "NAdam", [(["W", "b"], {})], {"lr": 0.02}),
    ("nadam/decoupled_weight_decay", "NAdam", [(["W", "b"], {})],
     {"lr": 0.02, "weight_decay": 0.1, "momentum_decay": 0.01, "decoupled_weight_decay": True}),
    ("radam/default", "RAdam", [(["W", "b"], {})], {"lr": 0.05}),
    ("radam/weight_decay", "RAdam", [(["W", "b"], {})], {"lr": 0.05, "weight_decay": 0.1}),
    ("radam/decoupled_weight_decay", "RAdam", [(["W", "b"], {})],
     {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("lbfgs/default", "LBFGS", [(["W", "b"], {})], {"lr": 0.5, "max_iter": 4}, "float32", True),
    ("lbfgs/history_3", "LBFGS", [(["W", "b"], {})], {"lr": 1.0, "max_iter": 6, "history_size": 3}, "float64", True),
]

# (name, optimizer options, scheduler spec, epochs, metrics for ReduceLROnPlateau)
LAMBDAS = {"warmup": "lambda epoch: min(1.0, (epoch + 1) / 5)", "decay": "lambda epoch: 0.9 ** epoch"}
SCHEDULER_CASES = [
    ("step_lr", {"lr": 0.1}, {"name": "StepLR", "kwargs": {"step_size": 7, "gamma": 0.5}}, 30),
    ("multistep_lr", {"lr": 0.1}, {"name": "MultiStepLR", "kwargs": {"milestones": [5, 12, 12, 20], "gamma": 0.3}}, 30),
    ("exponential_lr", {"lr": 0.1}, {"name": "ExponentialLR", "kwargs": {"gamma": 0.9}}, 30),
    ("cosine_annealing_lr", {"lr": 0.1}, {"name": "CosineAnnealingLR", "kwargs": {"T_max": 10, "eta_min": 0.001}}, 35),
    ("cosine_warm_restarts", {"lr": 0.1},
     {"name": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 4, "T_mult": 2, "eta_min": 0.01}}, 30),
    ("linear_lr", {"lr": 0.1}, {"name": "LinearLR", "kwargs": {"start_factor": 0.25, "end_factor": 0.9,
                                                                 "total_iters": 8}}, 15),
    ("constant_lr", {"lr": 0.1}, {"name": "ConstantLR", "kwargs": {"factor": 0.5, "total_iters": 4}}, 10),
    ("lambda_lr_two_groups", {"lr": 0.1, "groups": 2},
     {"name": "LambdaLR", "kwargs": {"lr_lambda": ["warmup", "decay"]}}, 12),
    ("one_cycle_cos_sgd_momentum", {"lr": 0.1, "momentum": 0.9},
     {"name": "OneCycleLR", "kwargs": {"max_lr": 0.5, "total_steps": 40}}, 39),
    ("one_cycle_linear_three_phase_adam", {"lr": 0.1, "optimizer": "Adam"},
     {"name": "OneCycleLR", "kwargs": {"max_lr": 0.01, "epochs": 5, "steps_per_epoch": 6, "pct_start": 0.25,
                                       "anneal_strategy": "linear", "three_phase": True}}, 29),
    ("sequential_warmup_cosine", {"lr": 0.1},
     {"name": "SequentialLR", "schedulers": [{"name": "LinearLR", "kwargs": {"start_factor": 0.1, "total_iters": 5}},
                                             {"name": "CosineAnnealingLR", "kwargs": {"T_max": 20}}],
      "kwargs": {"milestones": [5]}}, 25),
    ("reduce_on_plateau_min", {"lr": 0.1},
     {"name": "ReduceLROnPlateau", "kwargs": {"factor": 0.5, "patience": 2, "cooldown": 1, "min_lr": 0.004}}, 30),
    ("reduce_on_plateau_max_abs", {"lr": 0.1, "groups": 2},
     {"name": "ReduceLROnPlateau", "kwargs": {"mode": "max", "threshold_mode": "abs", "threshold": 0.01,
                                              "patience": 1, "min_lr": [0.01, 0.02]}}, 20),
]


def loss_of(W, b, x, y):
    return ((x @ W.T + b - y) ** 2).mean() + 0.01 * (W ** 4).sum()


def optimizer_case(name, optimizer, groups, defaults, dtype="float32", closure=False):
    dt = getattr(torch, dtype)
    params = {"W": torch.tensor(PROBLEM["W"], dtype=dt, requires_grad=True),
              "b": torch.tensor(PROBLEM["b"], dtype=dt, requires_grad=True)}
    x, y = torch.tensor(PROBLEM["x"], dtype=dt), torch.tensor(PROBLEM["y"], dtype=dt)
    torch_groups = [dict(options, params=[params[n] for n in names]) for names, options in groups]
    kwargs = {k: tuple(v) if k == "betas" else v for k, v in defaults.items()}
    for group in torch_groups:
        if "betas" in group:
            group["betas"] = tuple(group["betas"])
    opt = getattr(torch.optim, optimizer)(torch_groups, **kwargs)
    trajectory, losses = [], []

    def evaluate():
        opt.zero_grad()
        loss = loss_of(params["W"], params["b"], x, y)
        loss.backward()
        return loss

    for _ in range(STEPS if not closure else 5):
        if closure:
            losses.append(float(opt.step(evaluate).detach()))
        else:
            losses.append(float(evaluate().detach()))
            opt.step()
        trajectory.append({n: p.detach().reshape(-1).tolist() for n, p in params.items()})
    state = opt.state_dict()["state"]
    final_state = {str(i): {k: (v.reshape(-1).tolist() if torch.is_tensor(v) else v)
                            for k, v in s.items() if torch.is_tensor(v) or isinstance(v, (int, float))}
                   for i, s in state.items()}
    return {"name": name, "optimizer": optimizer, "groups": [{"params": n, "options": o} for n, o in groups],
            "defaults": defaults, "dtype": dtype, "closure": closure, "losses": losses, "trajectory": trajectory,
            "final_state": final_state}


def make_scheduler(module, optimizer, spec):
    kwargs = dict(spec.get("kwargs", {}))
    if spec["name"] == "SequentialLR":
        kwargs["schedulers"] = [make_scheduler(module, optimizer, inner) for inner in spec["schedulers"]]
    if spec["name"] == "LambdaLR":
        kwargs["lr_lambda"] = [eval(LAMBDAS[k]) for k in kwargs["lr_lambda"]]  # noqa: S307 - our own table
    return getattr(module.optim.lr_scheduler, spec["name"])(optimizer, **kwargs)


def plateau_metrics(epochs):
    # Improves, stalls, improves a little, stalls: exercises patience, cooldown and thresholds.
    values = [1.0 / (1 + e) if e < 6 else 0.14 + 0.001 * ((e * 7) % 5) for e in range(epochs)]
    return [v if e < 15 else v - 0.02 * (e - 14) for e, v in enumerate(values)]


def scheduler_case(name, options, spec, epochs):
    groups = options.get("groups", 1)
    params = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    kwargs = {k: v for k, v in options.items() if k not in ("groups", "optimizer")}
    optimizer = getattr(torch.optim, options.get("optimizer", "SGD"))([{"params": [p]} for p in params], **kwargs)
    scheduler = make_scheduler(torch, optimizer, spec)
    metrics = plateau_metrics(epochs) if spec["name"] == "ReduceLROnPlateau" else None
    if metrics is not None and spec["kwargs"].get("mode") == "max":
        metrics = [-m for m in metrics]
    lrs, momenta = [], []

    def record():
        lrs.append([g["lr"] for g in optimizer.param_groups])
        momenta.append([g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in optimizer.param_groups])

    record()
    for epoch in range(epochs):
        optimizer.step()
        if metrics is not None:
            scheduler.step(metrics[epoch])
        else:
            scheduler.step()
        record()
    return {"name": name, "optimizer": options, "scheduler": spec, "epochs": epochs, "metrics": metrics,
            "lambdas": LAMBDAS, "lrs": lrs, "momenta": momenta, "last_lr": scheduler.get_last_lr()}




# Data loading orders: each case seeds torch, builds loaders over
# TensorDataset(arange(n)) and records the batches of indices they yield,
# then one randn draw to show the random stream is left where torch leaves it.
DATA_CASES = [
    ("shuffle_global_seed_two_epochs", 0, "DataLoader(ds, batch_size=4, shuffle=True)", 2),
    ("shuffle_generator_drop_last", 1, "DataLoader(ds, batch_size=3, shuffle=True, drop_last=True, "
                                       "generator=lib.Generator().manual_seed(42))", 2),
    ("sequential_last_partial", 2, "DataLoader(ds, batch_size=5)", 1),
    ("random_split_fractions_then_shuffle", 3, "DataLoader(random_split(ds, [0.6, 0.25, 0.15])[0], batch_size=4, "
                                              "shuffle=True)", 2),
    ("random_split_lengths_generator", 4, "DataLoader(random_split(ds, [10, 7, 6], "
                                          "generator=lib.Generator().manual_seed(9))[1], batch_size=2)", 1),
    ("random_sampler_replacement", 5, "DataLoader(ds, batch_size=6, sampler=RandomSampler(ds, replacement=True, "
                                      "num_samples=40))", 1),
    ("subset_random_sampler", 6, "DataLoader(ds, batch_size=4, sampler=SubsetRandomSampler([1, 3, 5, 7, 11, 13, "
                                 "17, 19]))", 2),
    ("weighted_random_sampler", 7, "DataLoader(ds, batch_size=8, sampler=WeightedRandomSampler([1.0] * 20 + "
                                   "[9.0] * 3, num_samples=32))", 2),
    ("weighted_generator_zero_weights", 8, "DataLoader(ds, batch_size=5, sampler=WeightedRandomSampler("
                                                   "[float(i % 4) for i in range(23)], num_samples=23, "
                                                   "generator=lib.Generator().manual_seed(3)))", 1),
    ("batch_sampler", 9, "DataLoader(ds, batch_sampler=BatchSampler(RandomSampler(ds), 6, drop_last=False))", 1),
]
DATA_SIZE = 23


def data_orders(lib, seed, expression, epochs):
    from_data = lib.utils.data
    names = {name: getattr(from_data, name) for name in from_data.__all__ if not name.startswith("_")}
    lib.manual_seed(seed)
    ds = from_data.TensorDataset(lib.arange(DATA_SIZE))
    loader = eval(expression, dict(names, lib=lib, ds=ds))  # noqa: S307 - the table above
    batches = [[batch[0].tolist() for batch in loader] for _ in range(epochs)]
    return batches, lib.randn(3).tolist(), len(loader)


def data_fixtures():
    cases = []
    for name, seed, expression, epochs in DATA_CASES:
        batches, after, length = data_orders(torch, seed, expression, epochs)
        cases.append({"name": name, "seed": seed, "loader": expression, "epochs": epochs, "batches": batches,
                      "randn_after": after, "len": length})
    return cases


def training_fixtures():
    return {"problem": PROBLEM, "steps": STEPS,
            "optimizers": [optimizer_case(*case) for case in OPTIMIZER_CASES],
            "schedulers": [scheduler_case(*case) for case in SCHEDULER_CASES],
            "data": {"size": DATA_SIZE, "cases": data_fixtures()}}
