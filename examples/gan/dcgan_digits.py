"""A DCGAN (Radford et al. 2016) that learns to draw handwritten digits
(scikit-learn's 1797 8x8 scans, pixels scaled to [-1, 1]).

The generator maps 16 Gaussian numbers to an 8x8 image through transposed
convolutions with batch norm; the discriminator is a strided CNN that gives a
real-vs-fake logit. Each step trains the discriminator on real digits and on
generated ones (detached, so its loss does not reach the generator), then the
generator to make the discriminator answer "real"; two Adam optimizers,
binary cross-entropy on logits.

A GAN's losses do not fall steadily, so the samples are judged by a digit
classifier trained on the real scans (logistic regression): how confidently
it reads the generated digits, against its confidence on the real held-out
digits and on random noise images, and how many of the ten digits appear.

    python examples/gan/dcgan_digits.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves a grid of samples and the loss curves.
"""

import argparse
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.nn as nn
from cajal.utils.data import DataLoader, TensorDataset

LATENT = 16


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.project = nn.Sequential(nn.Linear(LATENT, 64 * 2 * 2), nn.BatchNorm1d(64 * 2 * 2), nn.ReLU())
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),  # 2x2 -> 4x4
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1), nn.Tanh())  # 4x4 -> 8x8

    def forward(self, z):
        return self.upsample(self.project(z).view(-1, 64, 2, 2))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 8x8 -> 4x4
            nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),  # 4x4 -> 2x2
            nn.Flatten(), nn.Linear(64 * 2 * 2, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def train(images, epochs, seed):
    torch.manual_seed(seed)
    generator, discriminator = Generator(), Discriminator()
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    criterion = nn.BCEWithLogitsLoss()
    loader = DataLoader(TensorDataset(images), batch_size=64, shuffle=True, drop_last=True)
    history = []
    for epoch in range(1, epochs + 1):
        d_total, g_total, batches = 0.0, 0.0, 0
        for (real,) in loader:
            n = len(real)
            fake = generator(torch.randn(n, LATENT))
            # Discriminator: real -> 1, fake -> 0; detach keeps this loss out of the generator.
            d_loss = criterion(discriminator(real), torch.ones(n)) + criterion(discriminator(fake.detach()), torch.zeros(n))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            # Generator: make the discriminator call the fakes real.
            g_loss = criterion(discriminator(fake), torch.ones(n))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            d_total, g_total, batches = d_total + d_loss.item(), g_total + g_loss.item(), batches + 1
        history.append((d_total / batches, g_total / batches))
        if epoch == 1 or epoch % 10 == 0 or epoch == epochs:
            print(f"epoch {epoch:3d}  discriminator loss {history[-1][0]:.3f}  generator loss {history[-1][1]:.3f}")
    return generator, history


def save_pictures(out, samples, history):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(8, 8, figsize=(6, 6))
    for ax, image in zip(axes.flat, samples):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
        ax.axis("off")
    fig.suptitle("DCGAN samples")
    fig.savefig(os.path.join(out, "gan_samples.png"), dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([h[0] for h in history], label="discriminator")
    ax.plot([h[1] for h in history], label="generator")
    ax.set_xlabel("epoch")
    ax.set_ylabel("BCE")
    ax.legend()
    fig.savefig(os.path.join(out, "gan_losses.png"), dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="40 epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 40) if args.quick else args.epochs

    digits = load_digits()
    pixels = (digits.data / 8.0 - 1.0).astype(np.float32)  # [-1, 1], the generator's tanh range
    x_train, x_test, y_train, y_test = train_test_split(pixels, digits.target, test_size=0.3, stratify=digits.target,
                                                        random_state=args.seed)
    generator, history = train(torch.tensor(x_train.reshape(-1, 1, 8, 8)), epochs, args.seed)

    generator.eval()
    with torch.no_grad():
        samples = generator(torch.randn(500, LATENT)).numpy().reshape(500, 64)
    judge = LogisticRegression(max_iter=2000).fit(x_train, y_train)
    noise = np.random.default_rng(args.seed).uniform(-1, 1, size=(500, 64))
    confidence = {name: judge.predict_proba(x).max(axis=1).mean()
                  for name, x in [("real", x_test), ("generated", samples), ("noise", noise)]}
    classes = np.bincount(judge.predict(samples), minlength=10)
    print(f"digit classifier's mean confidence: real held-out digits {confidence['real']:.3f}, generated "
          f"{confidence['generated']:.3f}, noise images {confidence['noise']:.3f}")
    print(f"digits among 500 samples: {' '.join(f'{d}:{n}' for d, n in enumerate(classes))} "
          f"({int((classes >= 10).sum())} of 10 with at least 10 samples)")
    os.makedirs(args.out, exist_ok=True)
    if save_pictures(args.out, samples[:64], history):
        print(f"pictures: {args.out}/gan_samples.png, gan_losses.png")
    else:
        print("pictures: install matplotlib to save them as PNGs")


if __name__ == "__main__":
    main()
