"""Contrastive self-supervised learning, SimCLR-style (Chen et al. 2020), on
handwritten digits (scikit-learn's 1797 8x8 scans), then a linear probe
with few labels.

Pre-training uses no labels. Each image is augmented twice (a random affine
warp through affine_grid/grid_sample: rotation up to 15 degrees, scaling,
shift; then pixel noise and brightness); a small CNN encoder and an MLP
projection head map both views to unit vectors (F.normalize). The NT-Xent
loss makes each view pick its twin out of the batch's 2N - 1 other views: a
cross-entropy over the cosine similarities (F.cosine_similarity of every pair)
divided by a temperature. Afterwards the projection head is dropped and a
logistic regression is fitted on the frozen encoder's features of only
five labelled digits per class, against the same probe on the raw pixels.

    python examples/contrastive/simclr_digits.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import math
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset


def augment(images):
    """A random rotation, scaling and shift per image, then noise and brightness."""
    n = len(images)
    angle = (torch.rand(n) - 0.5) * (2 * math.radians(15))
    scale = 0.9 + 0.2 * torch.rand(n)
    shift = (torch.rand(n, 2) - 0.5) * 0.3
    cos, sin = angle.cos() * scale, angle.sin() * scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    warped = F.grid_sample(images, grid, padding_mode="zeros", align_corners=False)
    return warped * (0.8 + 0.4 * torch.rand(n, 1, 1, 1)) + 0.05 * torch.randn_like(warped)


class Encoder(nn.Module):
    def __init__(self, features=64):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                                 nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
                                 nn.Conv2d(64, features, 3, padding=1), nn.BatchNorm2d(features), nn.ReLU(),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):
        return self.net(x)


def nt_xent(z1, z2, temperature=0.3):
    """Each of the 2N views must find its twin among the other 2N - 1 (cosine similarities / temperature)."""
    z = torch.cat([z1, z2])
    n = len(z1)
    similarity = F.cosine_similarity(z[:, None], z[None], dim=-1) / temperature
    similarity = similarity.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))  # not itself
    twins = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(similarity, twins)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="8 epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = 8 if args.quick else args.epochs

    digits = load_digits()
    pixels = (digits.data / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(pixels, digits.target, test_size=0.3, stratify=digits.target,
                                                        random_state=args.seed)
    torch.manual_seed(args.seed)
    encoder = Encoder()
    head = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32))
    optimizer = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=2e-3)
    images = torch.tensor(x_train.reshape(-1, 1, 8, 8))
    loader = DataLoader(TensorDataset(images), batch_size=128, shuffle=True, drop_last=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        encoder.train()
        head.train()
        total, batches = 0.0, 0
        for (x,) in loader:
            loss = nt_xent(F.normalize(head(encoder(augment(x)))), F.normalize(head(encoder(augment(x)))))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        print(f"epoch {epoch:2d}  loss {total / batches:.4f}")
    encoder.eval()
    with torch.no_grad():
        train_features = encoder(images).numpy()
        test_features = encoder(torch.tensor(x_test.reshape(-1, 1, 8, 8))).numpy()
    # Five labelled digits per class for the probes.
    rng = np.random.default_rng(args.seed)
    labelled = np.concatenate([rng.choice(np.flatnonzero(y_train == c), 5, replace=False) for c in range(10)])
    mean, std = train_features.mean(0), train_features.std(0) + 1e-6
    probe = LogisticRegression(max_iter=5000).fit((train_features[labelled] - mean) / std, y_train[labelled])
    raw = LogisticRegression(max_iter=5000).fit(x_train[labelled], y_train[labelled])
    print(f"linear probe with 5 labels per class: held-out accuracy {probe.score((test_features - mean) / std, y_test):.3f} "
          f"on the contrastive features, {raw.score(x_test, y_test):.3f} on the raw pixels "
          f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
