"""cajal.compile: captured training steps give eager's losses, guards re-trace
when what a plan assumed changes, and what cannot be captured runs eagerly."""

import importlib.util
import os
import sys
import warnings

import numpy as np
import pytest

import cajal as torch
import cajal.nn.functional as F
from cajal import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STEPS = 20


def example(path):
    """An example script as a module (its main() does not run)."""
    name = "example_" + path.replace("/", "_").removesuffix(".py")
    script = os.path.join(ROOT, "examples", path)
    spec = importlib.util.spec_from_file_location(name, script)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(script))  # its sibling modules, as when run as a script
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(os.path.dirname(script))
    return module


def tensor(array):
    return torch.tensor(np.ascontiguousarray(array))


# Each case builds an example's model, optimizer and training step as the
# example writes it, and the batches of 20 steps (numpy's generator, so both
# runs see the same data). The step returns its loss (or losses).

def mlp_case(rng):
    ex = example("mlp/breast_cancer_mlp.py")
    model = ex.TumourMLP(30)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)

    def step(x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    batches = [(tensor(rng.normal(size=(32, 30)).astype(np.float32)), tensor((rng.random(32) < 0.4).astype(np.float32)))
               for _ in range(STEPS)]
    return step, batches


def lenet_case(rng):
    ex = example("cnn/digits_lenet.py")
    model = ex.LeNet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step(x, y):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step, digit_batches(rng, 32)


def digit_batches(rng, n, size=8):
    return [(tensor(rng.random((n, 1, size, size)).astype(np.float32)), tensor(rng.integers(0, 10, n)))
            for _ in range(STEPS)]


def vgg_case(rng):
    ex = example("cnn/digits_vgg.py")
    model = ex.SmallVGG()  # BatchNorm and Dropout: running stats and the random stream go through the plan
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

    def step(x, y):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step, digit_batches(rng, 32, size=16)


def vae_case(rng):
    ex = example("autoencoder/vae_digits.py")
    model = ex.VAE()  # the reparameterisation draws noise inside the step
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

    def step(x):
        logits, mu, log_var = model(x)
        reconstruction, kl = ex.vae_loss(logits, x, mu, log_var)
        optimizer.zero_grad()
        (reconstruction + kl).backward()
        optimizer.step()
        return reconstruction, kl
    return step, [(tensor(rng.random((32, 64)).astype(np.float32)),) for _ in range(STEPS)]


def gan_case(rng):
    ex = example("gan/dcgan_digits.py")
    generator, discriminator = ex.Generator(), ex.Discriminator()
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    criterion = nn.BCEWithLogitsLoss()

    def step(real):  # two optimizers, a detach, noise drawn inside
        n = len(real)
        fake = generator(torch.randn(n, ex.LATENT))
        d_loss = criterion(discriminator(real), torch.ones(n)) + criterion(discriminator(fake.detach()), torch.zeros(n))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = criterion(discriminator(fake), torch.ones(n))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        return d_loss, g_loss
    return step, [(tensor(rng.uniform(-1, 1, (32, 1, 8, 8)).astype(np.float32)),) for _ in range(STEPS)]


def ecg_case(rng):
    ex = example("rnn/ecg_lstm.py")
    model = ex.RhythmNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    criterion = nn.CrossEntropyLoss()

    def step(x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        return loss
    return step, [(tensor(rng.normal(size=(16, 180)).astype(np.float32)), tensor(rng.integers(0, 4, 16)))
                  for _ in range(STEPS)]


def transformer_case(rng):
    ex = example("transformer/dna_transformer.py")
    model = ex.MotifBERT()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()

    def step(tokens, y):
        optimizer.zero_grad()
        loss = criterion(model(tokens), y)
        loss.backward()
        optimizer.step()
        return loss
    return step, [(tensor(rng.integers(0, 64, (16, 20))), tensor(rng.integers(0, 3, 16))) for _ in range(STEPS)]


def segmentation_case(rng, path, model_class):
    """A U-Net example's step: BCE plus Dice on 32x32 masks."""
    ex = example(path)
    model = getattr(ex, model_class)()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

    def step(x, y):
        logits = model(x)
        loss = F.binary_cross_entropy_with_logits(logits, y) + ex.dice_loss(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(tensor(rng.normal(size=(4, 1, 32, 32)).astype(np.float32)),
                   tensor((rng.random((4, 1, 32, 32)) < 0.3).astype(np.float32))) for _ in range(STEPS)]


def unet_case(rng):
    return segmentation_case(rng, "unet/cells_unet.py", "UNet")


def molecules_case(rng):
    ex = example("gnn/molecules.py")
    model = ex.MoleculeNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    molecules = [ex.random_molecule(rng, i % 2 == 0) for i in range(16)]
    x, source, target, graph_of = ex.batch_graphs(molecules)
    y = tensor(np.array([ex.has_nitro(*m) for m in molecules], dtype=np.float32))

    def step(x, source, target, graph_of, y):  # index_add and scatter_reduce over a batch of graphs
        loss = F.binary_cross_entropy_with_logits(model(x, source, target, graph_of, len(molecules)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(x, source, target, graph_of, y)] * STEPS


def ddpm_case(rng):
    ex = example("diffusion/ddpm_digits.py")
    _, alpha_bars = ex.schedule()
    model = ex.Denoiser(16)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    images = tensor(rng.uniform(-1, 1, (64, 1, 8, 8)).astype(np.float32))

    def step(images):  # random timesteps, indexing by them, noise drawn inside
        x0 = images[torch.randint(0, len(images), (32,))]
        t = torch.randint(0, ex.T, (32,))
        noise = torch.randn_like(x0)
        a = alpha_bars[t][:, None, None, None]
        loss = F.mse_loss(model(a.sqrt() * x0 + (1 - a).sqrt() * noise, t), noise)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(images,)] * STEPS


def registration_case(rng):
    ex = example("registration/voxelmorph_2d.py")
    model = ex.RegistrationNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

    def step(m, f):  # grid_sample warp and a smoothness penalty
        field = model(m, f)
        loss = F.mse_loss(ex.warp(m, field), f) + 0.05 * ex.smoothness(field)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(tensor(rng.random((4, 1, 32, 32)).astype(np.float32)),
                   tensor(rng.random((4, 1, 32, 32)).astype(np.float32))) for _ in range(STEPS)]


def vit_case(rng):
    ex = example("transformer/vit_digits.py")
    model = ex.VisionTransformer()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)

    def step(x, y):
        loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, digit_batches(rng, 32)


def simclr_case(rng):
    ex = example("contrastive/simclr_digits.py")
    encoder = ex.Encoder()
    head = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32))
    optimizer = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=2e-3)

    def step(x):  # random affine warps (affine_grid, grid_sample) drawn inside the step
        loss = ex.nt_xent(F.normalize(head(encoder(ex.augment(x)))), F.normalize(head(encoder(ex.augment(x)))))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(tensor(rng.random((32, 1, 8, 8)).astype(np.float32)),) for _ in range(STEPS)]


def ctc_case(rng):
    ex = example("ctc/nanopore_ctc.py")
    model = ex.BaseCaller()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    signals, lengths, labels, label_lengths = ex.synthetic_reads(16, rng)
    batch = (tensor(signals), tensor(lengths), tensor(labels), tensor(label_lengths))

    def step(x, n, y, m):  # Conv1d, a bidirectional GRU, CTC over lengths given as tensors
        loss = ctc(model(x), y, n, m)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [batch] * STEPS


def attention_unet_case(rng):
    return segmentation_case(rng, "unet/attention_unet.py", "AttentionUNet")


def pretraining_case(rng):
    ex = example("transformer/dna_pretraining.py")
    model = ex.MaskedDNAModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.01)
    tokens = rng.integers(0, 4, (64, ex.LENGTH))

    def step(masked, targets):  # masked-token loss with ignore_index
        logits = model(masked)
        loss = F.cross_entropy(logits.reshape(-1, 4), targets.reshape(-1), ignore_index=-100)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    batches = []
    for _ in range(STEPS):
        masked, hidden = ex.mask_tokens(tokens, rng)
        batches.append((tensor(masked), tensor(np.where(hidden, tokens, -100))))
    return step, batches


def forecaster_case(rng):
    ex = example("rnn/sir_forecaster.py")
    model = ex.Forecaster()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    observed = ex.simulate(16 * STEPS, rng)[0].astype(np.float32)

    def step(x, y):  # a two-layer GRU on log-scaled series
        loss = F.mse_loss(model(ex.scale(x)), ex.scale(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(tensor(observed[16 * i:16 * i + 16, :ex.SEEN]), tensor(observed[16 * i:16 * i + 16, ex.SEEN:]))
                  for i in range(STEPS)]


def dqn_case(rng):
    import copy

    q = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    target = copy.deepcopy(q)
    optimizer = torch.optim.Adam(q.parameters(), lr=1e-3)

    def step(s, a, r, s2, done):  # examples/rl/cartpole_dqn.py's update: a no_grad target, gather
        with torch.no_grad():
            goal = r + 0.99 * (1 - done) * target(s2).max(1)[0]
        estimate = q(s).gather(1, a[:, None])[:, 0]
        loss = F.smooth_l1_loss(estimate, goal)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step, [(tensor(rng.normal(size=(64, 4)).astype(np.float32)), tensor(rng.integers(0, 2, 64)),
                   tensor(np.ones(64, np.float32)), tensor(rng.normal(size=(64, 4)).astype(np.float32)),
                   tensor((rng.random(64) < 0.1).astype(np.float32))) for _ in range(STEPS)]


def masked_gcn_case(rng):
    # A Cora-style GCN trained on the nodes a bool mask marks (a mask given to
    # the plan is counted before each run; a changed count traces again).
    n = 40
    adjacency = (rng.random((n, n)) < 0.1).astype(np.float32)
    adjacency = np.maximum(adjacency, adjacency.T) + np.eye(n, dtype=np.float32)
    degree = adjacency.sum(1)
    a_hat = tensor((adjacency / np.sqrt(degree[:, None] * degree[None, :])).astype(np.float32))
    features = tensor(rng.normal(size=(n, 8)).astype(np.float32))
    labels = tensor(rng.integers(0, 3, n))
    train_mask = tensor(rng.random(n) < 0.3)
    layer1, layer2 = nn.Linear(8, 16), nn.Linear(16, 3)
    optimizer = torch.optim.Adam(list(layer1.parameters()) + list(layer2.parameters()), lr=0.01, weight_decay=5e-4)

    def step(x):
        optimizer.zero_grad()
        out = a_hat @ layer2(F.dropout(torch.relu(a_hat @ layer1(x)), 0.5))
        loss = F.cross_entropy(out[train_mask], labels[train_mask])
        loss.backward()
        optimizer.step()
        return loss
    return step, [(features,)] * STEPS


CASES = {"mlp": mlp_case, "lenet": lenet_case, "vgg": vgg_case, "vae": vae_case, "gan": gan_case, "ecg_lstm": ecg_case,
         "transformer": transformer_case, "unet": unet_case, "molecules": molecules_case, "ddpm": ddpm_case,
         "registration": registration_case, "vit": vit_case, "simclr": simclr_case,
         "pretraining": pretraining_case, "forecaster": forecaster_case,
         "dqn": dqn_case, "masked_gcn": masked_gcn_case}


def losses(case, compiled):
    torch.manual_seed(0)
    step, batches = case(np.random.default_rng(0))
    if compiled:
        step = torch.compile(step)
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fallback to eager warns: here it fails the test
        for batch in batches:
            out = step(*batch)
            values.append([t.item() for t in (out if isinstance(out, tuple) else (out,))])
    return np.array(values), step


@pytest.mark.parametrize("name", sorted(CASES))
def test_captured_training_steps_give_the_eager_losses(name):
    eager, _ = losses(CASES[name], compiled=False)
    captured, step = losses(CASES[name], compiled=True)
    (entry,) = step._cache.values()
    assert len(entry.plans) == 1 and entry.plans[0].steps() > 10 and not entry.eager
    np.testing.assert_allclose(captured, eager, rtol=1e-5, atol=1e-6)
    assert np.isfinite(eager).all()


@pytest.mark.parametrize("case, reason", [
    # CTCLoss reads the length tensors' values in Python: a plan would bake them in.
    (ctc_case, "cajal_tensor_copy_to reads a tensor's values"),
    # The attention gates keep their last map in an attribute, which a plan would not update.
    (attention_unet_case, "a tensor made by cajal_tensor_detach outlives the capture"),
])
def test_steps_a_plan_cannot_repeat_run_eagerly_with_one_warning(case, reason):
    eager, _ = losses(case, compiled=False)
    torch.manual_seed(0)
    step, batches = case(np.random.default_rng(0))
    step = torch.compile(step)
    with pytest.warns(UserWarning, match="runs eagerly: " + reason) as caught:
        captured = [step(*batch).item() for batch in batches]
    assert len([w for w in caught if "cajal.compile" in str(w.message)]) == 1
    assert not plans(step)
    np.testing.assert_allclose(captured, eager[:, 0], rtol=1e-6)


def compiled_linear():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    return model, torch.compile(model)


def plans(compiled):
    function = getattr(compiled, "_compiled_call", compiled)
    return [plan for entry in function._cache.values() for plan in entry.plans]


def test_calls_warm_up_then_trace_then_replay_one_plan():
    model, compiled = compiled_linear()
    x = torch.randn(5, 4)
    for i in range(4):
        torch.testing.assert_close(compiled(x), model(x))
        assert len(plans(compiled)) == (0 if i == 0 else 1)
    # A replay computes from the new input's values, not the traced ones.
    y = torch.randn(5, 4)
    torch.testing.assert_close(compiled(y), model(y))


def test_a_new_shape_dtype_or_requires_grad_traces_a_new_plan():
    model, compiled = compiled_linear()
    for x in (torch.randn(5, 4), torch.randn(7, 4), torch.randn(5, 4, requires_grad=True),
              torch.randn(4, 5).t()):  # the same shape with other strides
        for _ in range(3):
            torch.testing.assert_close(compiled(x), model(x))
    assert len(plans(compiled)) == 4
    out = compiled(torch.randn(5, 4, dtype=torch.float64).float())
    assert out.shape == (5, 3)


def test_the_training_flag_and_grad_mode_are_guarded():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Dropout(0.5), nn.Linear(8, 2))
    compiled = torch.compile(model)
    x = torch.randn(6, 4)
    for _ in range(3):
        compiled(x)
    model.eval()
    for _ in range(3):  # eval: no dropout, running statistics; a plan traced in training mode would differ
        torch.testing.assert_close(compiled(x), model(x))
    with torch.no_grad():
        for _ in range(3):
            out = compiled(x)
            assert not out.requires_grad
            torch.testing.assert_close(out, model(x))


def test_a_changed_learning_rate_is_seen_by_the_next_step():
    torch.manual_seed(0)
    weight = torch.ones(3, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1)

    @torch.compile
    def step(x):
        optimizer.zero_grad()
        loss = (weight * x).sum()
        loss.backward()
        optimizer.step()
        return loss
    x = torch.ones(3)
    for _ in range(3):
        step(x)
    torch.testing.assert_close(weight.detach(), torch.full((3,), 0.7))
    optimizer.param_groups[0]["lr"] = 1.0
    step(x)
    torch.testing.assert_close(weight.detach(), torch.full((3,), -0.3))


def test_python_arguments_are_part_of_the_key():
    @torch.compile
    def scaled(x, factor, *, shift=0.0):
        return x * factor + shift
    x = torch.arange(3.0)
    for factor in (2.0, 2.0, 2.0, 3.0, 3.0, 3.0):
        torch.testing.assert_close(scaled(x, factor, shift=1.0), x * factor + 1.0)
    assert len(plans(scaled)) == 2


def test_outputs_keep_their_structure_and_constants():
    @torch.compile
    def parts(x, y):
        return {"sum": x + y, "pair": (x * y, "tag", None), "input": x}
    x, y = torch.arange(3.0), torch.ones(3)
    for _ in range(3):
        out = parts(x, y)
    assert plans(parts)
    torch.testing.assert_close(out["sum"], x + y)
    torch.testing.assert_close(out["pair"][0], x * y)
    assert out["pair"][1:] == ("tag", None) and out["input"] is not x and torch.equal(out["input"], x)


def test_earlier_results_are_not_overwritten_by_later_runs():
    @torch.compile
    def double(x):
        return x * 2
    results = [double(torch.full((2,), float(i))) for i in range(5)]
    assert [r.tolist() for r in results] == [[2.0 * i] * 2 for i in range(5)]


def test_a_tensor_kept_in_python_state_falls_back_to_eager():
    kept = []

    @torch.compile
    def remember(x):
        y = x + 1
        kept.append(y)
        return y * 2
    x = torch.zeros(2)
    with pytest.warns(UserWarning, match="outlives the capture"):
        for _ in range(4):
            remember(x)
    assert len(kept) == 4 and not plans(remember)


def test_bool_mask_indexing_and_item_fall_back_to_eager():
    @torch.compile
    def positives(x):
        return x[x > 0].sum()

    @torch.compile
    def as_float(x):
        return float(x.sum())
    for function, match in ((positives, "bool mask computed inside"), (as_float, "cajal_tensor_item")):
        with pytest.warns(UserWarning, match=match):
            for values in ([1.0, -1.0, 2.0], [3.0, 4.0, -5.0], [-1.0, 1.0, 1.0], [1.0, 1.0, 1.0]):
                result = function(torch.tensor(values))
                expected = sum(v for v in values if v > 0) if function is positives else sum(values)
                assert float(result) == expected


def test_an_exception_inside_the_trace_propagates_and_the_next_call_works():
    calls = []

    @torch.compile
    def fragile(x):
        calls.append(1)
        if len(calls) == 2:
            raise KeyError("boom")
        return x + 1
    x = torch.zeros(2)
    fragile(x)
    with pytest.raises(KeyError):
        fragile(x)  # the trace run
    for _ in range(3):
        torch.testing.assert_close(fragile(x), x + 1)
    assert plans(fragile)


def test_compile_forms_match_torch():
    model = nn.Linear(2, 2)
    compiled = torch.compile(model, mode="reduce-overhead", fullgraph=True)
    assert list(compiled.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    assert compiled.weight is model.weight
    assert torch.compile(model, disable=True) is model

    @torch.compile(dynamic=False)
    def f(x):
        return x - 1
    assert f(torch.ones(1)).item() == 0.0
    with pytest.raises(TypeError):
        torch.compile(3)


def test_c_plan_calls_check_their_arguments():
    from ctypes import byref, c_size_t, c_void_p

    from cajal._ffi import lib

    x = torch.ones(2)
    none = (c_void_p * 1)()
    out = (c_void_p * 1)()
    assert lib.cajal_plan_run(None, none, 0, out, 0) != 0  # NULL plan
    assert "plan handle is NULL" in torch._ffi.last_error()
    assert lib.cajal_plan_end(none, 0, byref(c_void_p())) != 0  # no capture running
    inputs = (c_void_p * 1)(x._handle)
    assert lib.cajal_plan_begin(inputs, 1) == 0
    assert lib.cajal_plan_begin(inputs, 1) != 0  # one capture per thread
    y = x * 3
    plan = c_void_p()
    assert lib.cajal_plan_end((c_void_p * 1)(y._handle), 1, byref(plan)) == 0
    steps = c_size_t()
    assert lib.cajal_plan_step_count(plan, byref(steps)) == 0 and steps.value >= 1
    assert lib.cajal_plan_run(plan, inputs, 2, out, 1) != 0  # wrong input count
    assert lib.cajal_plan_run(plan, inputs, 1, out, 0) != 0  # no room for the output
    assert lib.cajal_plan_run(plan, inputs, 1, None, 1) != 0  # NULL outputs
    other = torch.ones(3)
    assert lib.cajal_plan_run(plan, (c_void_p * 1)(other._handle), 1, out, 1) != 0  # another shape
    assert "captured for" in torch._ffi.last_error()
    assert lib.cajal_plan_begin(None, 5) != 0  # NULL inputs with a count
    assert lib.cajal_plan_begin(inputs, (1 << 64) - 1) != 0  # a size_t of -1
    z = torch.full((2,), 5.0)
    assert lib.cajal_plan_run(plan, (c_void_p * 1)(z._handle), 1, out, 1) == 0
    result = torch._tensor._wrap(out[0])
    assert result.tolist() == [15.0, 15.0]
    lib.cajal_plan_free(plan)
    lib.cajal_plan_free(None)
    lib.cajal_plan_abort()  # nothing to abort: a no-op


def test_a_bool_mask_given_to_the_plan_is_counted_before_each_run():
    mask = torch.tensor([True, False, True, False])

    @torch.compile
    def selected_sum(x):
        return x[mask].sum()
    x = torch.arange(4.0)
    for _ in range(3):
        assert selected_sum(x).item() == 2.0
    mask[1] = True  # now three entries: the plan's guard refuses, a new trace follows
    for _ in range(3):
        assert selected_sum(x).item() == 3.0
    mask[1], mask[2], mask[3] = False, False, True  # two again, other ones: the first plan fits, reads the new mask
    assert selected_sum(x).item() == 3.0
    assert len(plans(selected_sum)) == 2


def test_a_compiled_module_inside_a_compiled_step_is_part_of_its_plan():
    def train(compiled):
        torch.manual_seed(0)
        model = nn.Linear(3, 1)
        inner = torch.compile(model) if compiled else model
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

        def step(x):
            optimizer.zero_grad()
            loss = inner(x).pow(2).mean()
            loss.backward()
            optimizer.step()
            return loss
        outer = torch.compile(step) if compiled else step
        losses = [outer(torch.full((4, 3), float(i))).item() for i in range(5)]
        return losses, model.weight.detach().clone(), outer
    eager, weight, _ = train(False)
    captured, captured_weight, step = train(True)
    assert plans(step)  # the outer plan holds the inner module's calls: its trace ran the module eagerly
    np.testing.assert_allclose(captured, eager, rtol=1e-6)
    torch.testing.assert_close(captured_weight, weight)


def test_tensors_left_in_reference_cycles_do_not_count_as_kept():
    @torch.compile
    def cyclic(x):
        y = x * 2
        holder = {"y": y}
        holder["self"] = holder  # a cycle that plain reference counting leaves behind
        return y + 1
    x = torch.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(4):
            torch.testing.assert_close(cyclic(x), x * 2 + 1)
    assert plans(cyclic)
