"""Autoencoders on handwritten digits (scikit-learn's 1797 8x8 scans).

1. A variational autoencoder (Kingma & Welling 2014) with a 2-d latent space:
   the encoder gives a mean and a log-variance, a sample is drawn with the
   reparameterisation trick (z = mu + sigma * eps, so gradients flow through
   mu and sigma), and the loss is the reconstruction's binary cross-entropy
   plus the KL divergence from the unit Gaussian prior. The 2-d latent means
   of held-out digits are then classified by their nearest neighbours: a
   latent space that sorts the digits without ever seeing a label.
2. A denoising autoencoder for anomaly detection: trained to clean up
   noisy digits 0-8 only, it reconstructs those well and the never-seen 9s
   badly, so the reconstruction error flags the 9s (ROC AUC).

    python examples/autoencoder/vae_digits.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves reconstructions, the latent space and the
anomaly scores as PNGs.
"""

import argparse
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset


class VAE(nn.Module):
    def __init__(self, pixels=64, hidden=128, latent=2):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(pixels, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.mean = nn.Linear(hidden, latent)
        self.log_variance = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, pixels))

    def encode(self, x):
        h = self.encoder(x)
        return self.mean(h), self.log_variance(h)

    def forward(self, x):
        mu, log_var = self.encode(x)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)  # the reparameterisation trick
        return self.decoder(z), mu, log_var


def vae_loss(logits, x, mu, log_var):
    """Per image: reconstruction BCE and KL(q(z|x) || N(0, I)), both summed over pixels / latents."""
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
    kl = -0.5 * torch.sum(1 + log_var - mu.pow(2) - log_var.exp()) / len(x)
    return reconstruction, kl


def train_vae(x_train, epochs, seed):
    torch.manual_seed(seed)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loader = DataLoader(TensorDataset(x_train), batch_size=64, shuffle=True)
    for epoch in range(1, epochs + 1):
        totals = np.zeros(2)
        for (x,) in loader:
            logits, mu, log_var = model(x)
            reconstruction, kl = vae_loss(logits, x, mu, log_var)
            optimizer.zero_grad()
            (reconstruction + kl).backward()
            optimizer.step()
            totals += [reconstruction.item() * len(x), kl.item() * len(x)]
        totals /= len(x_train)
        if epoch == 1 or epoch % 10 == 0 or epoch == epochs:
            print(f"VAE epoch {epoch:3d}  loss {totals.sum():.3f}  reconstruction {totals[0]:.3f}  KL {totals[1]:.3f}")
    return model


def train_denoiser(x_normal, epochs, seed, noise=0.3):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(),
                          nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(x_normal), batch_size=64, shuffle=True)
    for epoch in range(1, epochs + 1):
        total = 0.0
        for (x,) in loader:
            noisy = (x + noise * torch.randn_like(x)).clamp(0, 1)
            loss = F.mse_loss(model(noisy), x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        if epoch == 1 or epoch % 10 == 0 or epoch == epochs:
            print(f"denoiser epoch {epoch:3d}  loss {total / len(x_normal):.4f}")
    return model


def save_pictures(out, x_test, reconstructions, latent, labels, scores, is_nine):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(2, 10, figsize=(10, 2.2))
    for i in range(10):
        axes[0, i].imshow(x_test[i].reshape(8, 8), cmap="gray_r")
        axes[1, i].imshow(reconstructions[i].reshape(8, 8), cmap="gray_r")
        axes[0, i].axis("off")
        axes[1, i].axis("off")
    fig.suptitle("held-out digits (top) and their VAE reconstructions (bottom)")
    fig.savefig(os.path.join(out, "vae_reconstructions.png"), dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 5))
    points = ax.scatter(latent[:, 0], latent[:, 1], c=labels, cmap="tab10", s=8)
    fig.colorbar(points, ax=ax, label="digit")
    ax.set_title("VAE latent means of held-out digits")
    fig.savefig(os.path.join(out, "vae_latent_space.png"), dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist([scores[~is_nine], scores[is_nine]], bins=30, label=["digits 0-8 (seen)", "digit 9 (never seen)"])
    ax.set_xlabel("reconstruction error")
    ax.legend()
    fig.savefig(os.path.join(out, "denoiser_anomaly_scores.png"), dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="30 epochs each (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 30) if args.quick else args.epochs

    digits = load_digits()
    pixels = (digits.data / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(pixels, digits.target, test_size=0.3, stratify=digits.target,
                                                        random_state=args.seed)

    vae = train_vae(torch.tensor(x_train), epochs, args.seed)
    vae.eval()
    with torch.no_grad():
        train_mu, _ = vae.encode(torch.tensor(x_train))
        test_mu, _ = vae.encode(torch.tensor(x_test))
        logits, _, _ = vae(torch.tensor(x_test))
        reconstructions = torch.sigmoid(logits).numpy()
        test_bce = F.binary_cross_entropy_with_logits(logits, torch.tensor(x_test), reduction="sum").item() / len(x_test)
    knn = KNeighborsClassifier(n_neighbors=5).fit(train_mu.numpy(), y_train)
    latent_accuracy = knn.score(test_mu.numpy(), y_test)
    print(f"VAE: held-out reconstruction BCE {test_bce:.3f} per image; 5-NN accuracy in the 2-d latent space "
          f"{latent_accuracy:.3f} (chance 0.10)")

    normal = y_train != 9
    denoiser = train_denoiser(torch.tensor(x_train[normal]), epochs, args.seed)
    denoiser.eval()
    with torch.no_grad():
        errors = ((denoiser(torch.tensor(x_test)) - torch.tensor(x_test)) ** 2).mean(dim=1).numpy()
    is_nine = y_test == 9
    auc = roc_auc_score(is_nine, errors)
    print(f"denoiser: reconstruction error {errors[~is_nine].mean():.4f} on digits 0-8, {errors[is_nine].mean():.4f} "
          f"on the never-seen 9s; anomaly ROC AUC {auc:.3f} (chance 0.5)")

    os.makedirs(args.out, exist_ok=True)
    if save_pictures(args.out, x_test, reconstructions, test_mu.numpy(), y_test, errors, is_nine):
        print(f"pictures: {args.out}/vae_reconstructions.png, vae_latent_space.png, denoiser_anomaly_scores.png")
    else:
        print("pictures: install matplotlib to save them as PNGs")


if __name__ == "__main__":
    main()
