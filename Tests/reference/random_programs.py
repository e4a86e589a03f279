"""Programs whose numbers depend on torch's random draws beyond rand/randn:
torch.normal, bernoulli_, torch.bernoulli, dropout (F.dropout, nn.Dropout, Dropout2d, the
dropout between LSTM layers), rrelu and alpha dropout, and
WeightedRandomSampler without replacement.
Written once against a `torch` module: generate.py runs them with real
PyTorch (fixtures/python/random_programs.json) and
Tests/python/test_random_programs.py runs the same text with cajal.

torch 2.x draws bernoulli_(p) with a number p (and so dropout) from its
mt19937 generator on every CPU; older builds took MKL's MCG31 stream, seeded
by one draw of that generator, on Intel CPUs. The programs' fixture records
which one the generating machine's torch took ("stream", measured); the MKL
stream's own cases (MKL_CASES, drawn through libmkl_rt itself) cover the other.
"""


def bernoulli_program(torch):
    out = {}
    torch.manual_seed(3)
    out["p_half_float32"] = torch.empty(1000).bernoulli_(0.5)
    out["p_0.3_float64"] = torch.empty(7, 5, dtype=torch.float64).bernoulli_(0.3)
    out["int64"] = torch.empty(33, dtype=torch.int64).bernoulli_(0.9)
    out["after"] = torch.rand(4)  # what the draws above left of the generator
    g = torch.Generator().manual_seed(11)
    out["generator"] = torch.zeros(2, 40).bernoulli_(0.25, generator=g)
    torch.manual_seed(5)
    probs32 = torch.rand(300)
    probs64 = torch.rand(6, 7, dtype=torch.float64)
    out["probs_float32"] = torch.bernoulli(probs32)
    out["probs_float64"] = torch.bernoulli(probs64)
    out["probs_method"] = probs32[:50].bernoulli()
    out["probs_number"] = torch.bernoulli(torch.ones(3, 4), 0.7)
    out["probs_tensor_inplace"] = torch.zeros(2, 3).bernoulli_(torch.tensor([0.1, 0.5, 0.9]))
    out["after_probs"] = torch.rand(3)
    return out


def dropout_program(torch):
    F = torch.nn.functional
    out = {}
    torch.manual_seed(7)
    x = torch.randn(16, 37)
    out["dropout_0.2"] = F.dropout(x, 0.2)
    out["dropout_0.5_float64"] = F.dropout(x.double(), 0.5)
    out["dropout_eval"] = F.dropout(x, 0.5, training=False)
    out["dropout2d"] = F.dropout2d(torch.randn(2, 5, 3, 3), 0.4)
    layer = torch.nn.Dropout(0.3)
    out["module"] = layer(torch.ones(8, 9))
    x.requires_grad_(True)
    y = F.dropout(x, 0.6)
    (y * y).sum().backward()
    out["grad"] = x.grad
    out["after"] = torch.rand(4)
    return out


def training_program(torch):
    """Three SGD steps of a small MLP with dropout, and an LSTM with dropout
    between its layers: the loss curve follows torch's only if every mask does."""
    nn = torch.nn
    torch.manual_seed(21)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 16), nn.Tanh(),
                          nn.Dropout(0.1), nn.Linear(16, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(32, 6), torch.randint(0, 3, (32,))
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    lstm = nn.LSTM(4, 5, num_layers=2, dropout=0.4)
    output, _ = lstm(torch.randn(6, 3, 4))
    return {"losses": torch.stack(losses), "weights": model[0].weight.detach(), "lstm": output.detach()}


def sampler_program(torch):
    WeightedRandomSampler = torch.utils.data.WeightedRandomSampler
    torch.manual_seed(2)
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.5, 0.2, 1.1] * 30
    without = list(WeightedRandomSampler(weights, 60, replacement=False))
    g = torch.Generator().manual_seed(8)
    with_generator = list(WeightedRandomSampler(weights, 25, replacement=False, generator=g))
    return {"without": torch.tensor(without), "with_generator": torch.tensor(with_generator)}


def self_normalizing_program(torch):
    """rrelu's per-element slopes (drawn only where x <= 0) and alpha
    dropout's masks, whole-element and per channel, with a gradient."""
    F, nn = torch.nn.functional, torch.nn
    out = {}
    torch.manual_seed(13)
    x = torch.randn(9, 23)
    out["rrelu_float32"] = F.rrelu(x, training=True)
    out["rrelu_float64"] = F.rrelu(x.double(), 0.05, 0.4, training=True)
    out["rrelu_eval"] = F.rrelu(x)
    out["rrelu_module"] = nn.RReLU(0.1, 0.3)(x)
    out["alpha_dropout"] = F.alpha_dropout(x, 0.2, training=True)
    out["alpha_dropout_module"] = nn.AlphaDropout(0.4)(x)
    out["feature_alpha_dropout"] = F.feature_alpha_dropout(torch.randn(3, 6, 4), 0.5, training=True)
    out["feature_alpha_dropout_module"] = nn.FeatureAlphaDropout(0.3)(torch.randn(2, 5, 2, 2))
    x.requires_grad_(True)
    y = F.rrelu(x, training=True) + F.alpha_dropout(x, 0.3, training=True)
    (y * y).sum().backward()
    out["grad"] = x.grad
    out["after"] = torch.rand(4)
    return out


def weight_normalisation_program(torch):
    """Spectral and weight normalisation, as parametrizations and as the old
    hooks: the power iteration's u and v start from two normal_ draws, so the
    state_dicts (names and values) and outputs follow torch only if the draws,
    the iteration and the bookkeeping all do."""
    nn = torch.nn
    P = nn.utils.parametrizations
    out = {}
    torch.manual_seed(17)
    x = torch.randn(5, 6)
    layers = {
        "sn": P.spectral_norm(nn.Linear(6, 4)),
        "sn_conv_t": P.spectral_norm(nn.ConvTranspose1d(3, 2, 3), n_power_iterations=2),
        "wn": P.weight_norm(nn.Linear(6, 4)),
        "wn_dim_none": P.weight_norm(nn.Linear(6, 4), dim=None),
        "old_sn": nn.utils.spectral_norm(nn.Linear(6, 4)),
        "old_wn": nn.utils.weight_norm(nn.Linear(6, 4)),
    }
    for name, layer in layers.items():
        inputs = torch.randn(2, 3, 5) if name == "sn_conv_t" else x
        for _ in range(3):
            y = layer(inputs)
        out[f"{name}.out"] = y.detach()
        out[f"{name}.weight"] = layer.weight.detach()
        (y * y).sum().backward()
        for key, value in layer.state_dict().items():
            out[f"{name}.state.{key}"] = value
        for key, value in layer.named_parameters():
            out[f"{name}.grad.{key}"] = value.grad
    layer = layers["sn"].eval()
    out["sn.eval"] = layer(x).detach()
    return out


def normal_program(torch):
    """torch.normal's four forms: numbers with a size (normal_ in place),
    a tensor mean (normal_(0, std) + mean), a tensor std (normal_(0, 1) *
    std + mean), both tensors broadcast; short draws (under 16, one at a time)
    and long ones, float64, a generator."""
    out = {}
    torch.manual_seed(19)
    out["numbers"] = torch.normal(2.0, 3.0, size=(40,))
    out["numbers_short"] = torch.normal(-1.0, 0.5, (3, 4))
    out["numbers_float64"] = torch.normal(0.5, 2.0, (5, 7), dtype=torch.float64)
    mean = torch.arange(36, dtype=torch.float32).reshape(6, 6)
    out["tensor_mean"] = torch.normal(mean, 0.25)
    out["tensor_mean_default_std"] = torch.normal(mean[:2])
    std = torch.linspace(0.0, 3.0, 20)
    out["tensor_std"] = torch.normal(1.5, std)
    out["both"] = torch.normal(torch.zeros(3, 1) + 4.0, torch.ones(1, 18) * 0.1)
    g = torch.Generator().manual_seed(23)
    out["generator"] = torch.normal(0.0, 1.0, size=(2, 10), generator=g)
    out["after"] = torch.rand(4)
    return out


PROGRAMS = {
    "normal": normal_program,
    "weight_normalisation": weight_normalisation_program,
    "self_normalizing": self_normalizing_program,
    "bernoulli": bernoulli_program,
    "dropout": dropout_program,
    "training": training_program,
    "sampler": sampler_program,
}

# The MKL stream on its own: (seed of torch.manual_seed, count, p).
MKL_CASES = [(0, 20, 0.5), (1, 1000, 0.8), (42, 777, 0.3), (2026, 5, 0.99), (7, 3000, 0.5)]


def dropout_size(count):
    """The MKL cases' dropout input: randn of a multiple of 16 elements, which
    takes exactly one 32-bit draw per element."""
    return max(16, -(-count // 16) * 16)
