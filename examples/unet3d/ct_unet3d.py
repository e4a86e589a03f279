"""Organ and lesion segmentation in CT-like volumes with a 3-D U-Net
(Çiçek et al. 2016).

Each volume (24^3 voxels, 16^3 in the quick run) holds a body: a large
ellipsoid of soft tissue; inside it an 'organ' (a smaller ellipsoid of
brighter tissue) and 1-3 'lesions' (small spheres, brighter still, in or
next to the organ). The scanner is imperfect: the intensities drift along
the body axis and between scans (a random gain and offset), the volume is
blurred and noisy, so one intensity threshold cannot separate the classes
everywhere. The labels are background/body (0), organ (1) and lesion (2).

The network is a 3-D U-Net: two 3x3x3 convolutions per stage (BatchNorm3d,
ReLU), MaxPool3d between stages, ConvTranspose3d up-sampling and skip
connections concatenated (torch.cat). The loss is cross-entropy plus the
multi-class soft Dice of the softmax without the background channel
(cajal's DiceLoss(softmax=True, include_background=False)). Reported: the
Dice of each class on held-out volumes, next to the best per-class intensity
thresholds fitted on the training volumes.

    python examples/unet3d/ct_unet3d.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change (DiceLoss
is cajal's own; torch users take MONAI's). With matplotlib installed it
saves slices of a held-out volume with its true and predicted labels.
"""

import argparse
import os
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset

CLASSES = ("organ", "lesion")


def synthetic_ct(count, size, rng):
    """(volumes (count, 1, D, H, W) float32, labels (count, D, H, W) int64)."""
    grid = np.stack(np.mgrid[0:size, 0:size, 0:size], -1).astype(np.float64) / (size - 1) * 2 - 1  # in [-1, 1]
    volumes = np.zeros((count, size, size, size))
    labels = np.zeros((count, size, size, size), dtype=np.int64)
    for i in range(count):
        radii = rng.uniform(0.7, 0.95, size=3)
        body = (((grid / radii) ** 2).sum(-1) <= 1)
        center = rng.uniform(-0.25, 0.25, size=3)
        organ = ((((grid - center) / rng.uniform(0.25, 0.45, size=3)) ** 2).sum(-1) <= 1) & body
        image = np.where(body, 0.35, 0.0) + np.where(organ, 0.25, 0.0)
        label = np.where(organ, 1, 0)
        for _ in range(rng.integers(1, 4)):
            spot = center + rng.normal(0, 0.25, size=3)
            lesion = (((grid - spot) ** 2).sum(-1) <= rng.uniform(0.15, 0.25) ** 2) & body
            image[lesion] = 0.95
            label[lesion] = 2
        # A light blur (3x3x3 mean), a drift along the body axis, a random gain and offset, and noise.
        padded = np.pad(image, 1, mode="edge")
        image = sum(padded[a:a + size, b:b + size, c:c + size] for a in range(3) for b in range(3) for c in range(3)) / 27
        drift = rng.uniform(-0.2, 0.2) * grid[..., 0]
        gain, offset = rng.uniform(0.8, 1.2), rng.uniform(-0.1, 0.1)
        volumes[i] = gain * (image + drift) + offset + rng.normal(0, 0.05, size=image.shape)
        labels[i] = label
    return volumes[:, None].astype(np.float32), labels


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv3d(cin, cout, 3, padding=1), nn.BatchNorm3d(cout), nn.ReLU(),
                         nn.Conv3d(cout, cout, 3, padding=1), nn.BatchNorm3d(cout), nn.ReLU())


class UNet3d(nn.Module):
    def __init__(self, classes=3, base=8):
        super().__init__()
        self.enc1 = double_conv(1, base)
        self.enc2 = double_conv(base, 2 * base)
        self.bottom = double_conv(2 * base, 4 * base)
        self.up2 = nn.ConvTranspose3d(4 * base, 2 * base, 2, stride=2)
        self.dec2 = double_conv(4 * base, 2 * base)
        self.up1 = nn.ConvTranspose3d(2 * base, base, 2, stride=2)
        self.dec1 = double_conv(2 * base, base)
        self.head = nn.Conv3d(base, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool3d(e1, 2))
        b = self.bottom(F.max_pool3d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))  # skip connections
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


def dice_per_class(predicted, labels):
    """The Dice of each foreground class over the whole held-out set."""
    return [2 * ((predicted == c) & (labels == c)).sum() / ((predicted == c).sum() + (labels == c).sum())
            for c in range(1, len(CLASSES) + 1)]


def threshold_baseline(x_train, y_train, x_test):
    """Per-voxel intensity thresholds halfway between the classes' mean intensities (fitted on training volumes)."""
    means = [x_train[:, 0][y_train == c].mean() for c in range(3)]
    low, high = (means[0] + means[1]) / 2, (means[1] + means[2]) / 2
    values = x_test[:, 0]
    return np.where(values > high, 2, np.where(values > low, 1, 0))


def save_pictures(path, volume, labels, predicted):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    depth = volume.shape[0]
    slices = [depth // 4, depth // 2, 3 * depth // 4]
    fig, axes = plt.subplots(3, 3, figsize=(6, 6))
    for j, z in enumerate(slices):
        for row, (data, title, cmap) in enumerate([(volume, "CT slice", "gray"), (labels, "true labels", "viridis"),
                                                    (predicted, "3-D U-Net", "viridis")]):
            axes[row, j].imshow(data[z], cmap=cmap)
            axes[row, j].axis("off")
            if j == 0:
                axes[row, j].set_title(title, fontsize=8, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="smaller volumes, fewer of them and fewer epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    size, train_count, epochs = (16, 48, 16) if args.quick else (24, 160, args.epochs)

    rng = np.random.default_rng(args.seed)
    x_train, y_train = synthetic_ct(train_count, size, rng)
    x_test, y_test = synthetic_ct(16, size, rng)
    mean, std = x_train.mean(), x_train.std()
    fractions = [(y_train == c).mean() for c in range(1, 3)]
    print(f"{train_count} training and {len(x_test)} held-out {size}^3 volumes; organ {fractions[0]:.3f} and "
          f"lesion {fractions[1]:.3f} of the voxels")

    torch.manual_seed(args.seed)
    model = UNet3d()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    dice = nn.DiceLoss(softmax=True, include_background=False)
    loader = DataLoader(TensorDataset(torch.tensor((x_train - mean) / std), torch.tensor(y_train)), batch_size=4,
                        shuffle=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for x, y in loader:
            logits = model(x)
            loss = F.cross_entropy(logits, y) + dice(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        print(f"epoch {epoch:2d}  loss {total / train_count:.4f}")
    model.eval()
    with torch.no_grad():
        predicted = model(torch.tensor((x_test - mean) / std)).argmax(1).numpy()
    scores = dice_per_class(predicted, y_test)
    baseline = dice_per_class(threshold_baseline(x_train, y_train, x_test), y_test)
    print("held-out Dice " + ", ".join(f"{name} {score:.3f}" for name, score in zip(CLASSES, scores))
          + " (intensity thresholds: " + ", ".join(f"{name} {score:.3f}" for name, score in zip(CLASSES, baseline))
          + f") after {epochs} epochs in {time.perf_counter() - start:.1f} s")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "unet3d_ct.png")
    saved = save_pictures(path, x_test[0, 0], y_test[0], predicted[0])
    print(f"picture: {path}" if saved else "picture: install matplotlib to save it")


if __name__ == "__main__":
    main()
