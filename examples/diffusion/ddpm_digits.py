"""A denoising diffusion probabilistic model (Ho et al. 2020) that learns to
draw handwritten digits (scikit-learn's 1797 8x8 scans, pixels in [-1, 1]).

Training: take a digit x0, a time t of T = 200 and Gaussian noise e, form
x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) e (the linear beta schedule from
1e-4 to 0.05, abar_t the running product of 1 - beta), and teach a network to
predict e from (x_t, t) with a mean squared error. The network is a small
U-Net: residual blocks of GroupNorm, SiLU and 3x3 convolutions, a sinusoidal
embedding of t (through an MLP) added inside every block, one down-sampling
and one up-sampling stage with a skip connection. Sampling runs the learned
reverse process from pure noise, T steps of
x_{t-1} = (x_t - beta_t / sqrt(1 - abar_t) e_hat) / sqrt(1 - beta_t) + sqrt(beta_t) z.

As with the GAN example, the samples are judged by a digit classifier
trained on the real scans (logistic regression): how confidently it reads
them, against real held-out digits and noise images, and how many of the ten
digits appear.

    python examples/diffusion/ddpm_digits.py [--steps N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves a grid of samples.
"""

import argparse
import math
import os
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F

T = 200
EMBED = 64


def timestep_embedding(t, dim=EMBED):
    """The transformer's sinusoidal position code of each integer time t: (N, dim)."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    angles = t.float()[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(EMBED, cout)
        self.norm2, self.conv2 = nn.GroupNorm(8, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, embedding):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(embedding)[:, :, None, None]  # the time steers every block
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class Denoiser(nn.Module):
    """Predicts the noise in x_t: 8x8 -> 4x4 -> 8x8 with a skip connection."""

    def __init__(self, width=32):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(EMBED, EMBED), nn.SiLU(), nn.Linear(EMBED, EMBED))
        self.stem = nn.Conv2d(1, width, 3, padding=1)
        self.block1 = ResidualBlock(width, width)
        self.down = nn.Conv2d(width, 2 * width, 3, stride=2, padding=1)
        self.block2 = ResidualBlock(2 * width, 2 * width)
        self.middle = ResidualBlock(2 * width, 2 * width)
        self.up = nn.ConvTranspose2d(2 * width, width, 2, stride=2)
        self.block3 = ResidualBlock(2 * width, width)
        self.head = nn.Sequential(nn.GroupNorm(8, width), nn.SiLU(), nn.Conv2d(width, 1, 3, padding=1))

    def forward(self, x, t):
        e = self.embed(timestep_embedding(t))
        h1 = self.block1(self.stem(x), e)
        h2 = self.middle(self.block2(self.down(h1), e), e)
        return self.head(self.block3(torch.cat([self.up(h2), h1], dim=1), e))


def schedule():
    betas = torch.linspace(1e-4, 0.05, T)
    return betas, torch.cumprod(1 - betas, dim=0)


def train(images, steps, seed, batch=128, width=32):
    torch.manual_seed(seed)
    betas, alpha_bars = schedule()
    model = Denoiser(width)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    running = None
    for step in range(1, steps + 1):
        x0 = images[torch.randint(0, len(images), (batch,))]
        t = torch.randint(0, T, (batch,))
        noise = torch.randn_like(x0)
        a = alpha_bars[t][:, None, None, None]
        loss = F.mse_loss(model(a.sqrt() * x0 + (1 - a).sqrt() * noise, t), noise)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % max(steps // 10, 1) == 0:
            print(f"step {step:5d}  loss {running:.4f}")
    return model


@torch.no_grad()
def sample(model, count, seed):
    """Ancestral sampling: T denoising steps from pure noise."""
    torch.manual_seed(seed + 1)
    betas, alpha_bars = schedule()
    model.eval()
    x = torch.randn(count, 1, 8, 8)
    for step in reversed(range(T)):
        t = torch.full((count,), step, dtype=torch.int64)
        beta, a = betas[step].item(), alpha_bars[step].item()
        predicted = model(x, t)
        x = (x - beta / math.sqrt(1 - a) * predicted) / math.sqrt(1 - beta)
        if step > 0:
            x = x + math.sqrt(beta) * torch.randn_like(x)
    return x.clamp(-1, 1)


def save_pictures(path, samples):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(6, 10, figsize=(8, 5))
    for ax, image in zip(axes.flat, samples):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--quick", action="store_true",
                        help="a half-width network, 400 steps of 64 digits, 100 samples (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    steps, batch, width, count = (400, 64, 16, 100) if args.quick else (args.steps, 128, 32, 500)

    digits = load_digits()
    pixels = (digits.data / 8.0 - 1.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(pixels, digits.target, test_size=0.3, stratify=digits.target,
                                                        random_state=args.seed)
    start = time.perf_counter()
    model = train(torch.tensor(x_train.reshape(-1, 1, 8, 8)), steps, args.seed, batch, width)
    trained = time.perf_counter() - start
    samples = sample(model, count, args.seed).numpy().reshape(count, 64)
    elapsed = time.perf_counter() - start
    judge = LogisticRegression(max_iter=2000).fit(x_train, y_train)
    noise = np.random.default_rng(args.seed).uniform(-1, 1, size=(count, 64))
    confidence = {name: judge.predict_proba(x).max(axis=1).mean()
                  for name, x in [("real", x_test), ("generated", samples), ("noise", noise)]}
    classes = np.bincount(judge.predict(samples), minlength=10)
    print(f"digit classifier's mean confidence: real held-out digits {confidence['real']:.3f}, generated "
          f"{confidence['generated']:.3f}, noise images {confidence['noise']:.3f}")
    print(f"digits among {count} samples: {' '.join(f'{d}:{n}' for d, n in enumerate(classes))} "
          f"({int((classes >= count // 50).sum())} of 10 with at least {count // 50} samples) after {steps} steps in "
          f"{elapsed:.1f} s ({trained:.1f} s training)")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "ddpm_samples.png")
    print(f"picture: {path}" if save_pictures(path, samples[:60]) else "picture: install matplotlib to save it")


if __name__ == "__main__":
    main()
