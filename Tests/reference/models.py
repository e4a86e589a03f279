"""Models written once against a torch-like module, for the module fixtures:
generate.py builds them with real torch (seeded) and records their repr,
state_dict, outputs and gradients; Tests/python/test_nn.py builds the same
with cajal and must match."""


def make_models(lib):
    nn = lib.nn

    class LeNet(nn.Module):
        """LeNet-5 for 1x28x28 digits, written the PyTorch way."""

        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
            self.classifier = nn.Sequential(
                nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

        def forward(self, x):
            return self.classifier(self.features(x))

    class Tagger(nn.Module):
        """An MLP with a ModuleList, a ModuleDict, a buffer and a non-persistent buffer."""

        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(6, 8), nn.Linear(8, 8, bias=False)])
            self.heads = nn.ModuleDict({"tumour": nn.Linear(8, 3), "grade": nn.Linear(8, 2)})
            self.act = nn.GELU(approximate="tanh")
            self.register_buffer("scale", lib.ones(8) * 0.5)
            self.register_buffer("cache", lib.zeros(2), persistent=False)

        def forward(self, x):
            for layer in self.layers:
                x = self.act(layer(x)) * self.scale
            return lib.cat([self.heads["tumour"](x), self.heads["grade"](x)], 1)

    def conv1d_net():
        return nn.Sequential(nn.Conv1d(2, 4, 3, padding="same"), nn.ELU(), nn.AvgPool1d(2),
                             nn.Conv1d(4, 4, 3, stride=2, groups=2, bias=False), nn.LeakyReLU(0.1),
                             nn.Flatten(), nn.Dropout(0.5), nn.Linear(12, 3), nn.LogSoftmax(dim=1))

    class NormNet(nn.Module):
        """BatchNorm (with running statistics, in eval mode), LayerNorm, GroupNorm, an Embedding and PReLU."""

        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(7, 4, padding_idx=0)
            self.conv = nn.Conv1d(4, 6, 3, padding=1)
            self.bn = nn.BatchNorm1d(6)
            self.gn = nn.GroupNorm(3, 6)
            self.act = nn.PReLU(6)
            self.ln = nn.LayerNorm(6)
            self.out = nn.Linear(6, 2)

        def forward(self, tokens):
            x = self.embed(tokens).transpose(1, 2)  # N x 4 x L
            x = self.act(self.gn(self.bn(self.conv(x))))
            return self.out(self.ln(x.mean(2)))

    return {
        "normnet": (NormNet, None),
        "lenet": (LeNet, [2, 1, 28, 28]),
        "tagger": (Tagger, [3, 6]),
        "conv1d_net": (conv1d_net, [2, 2, 16]),
    }
