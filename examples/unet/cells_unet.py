"""Cell segmentation with a U-Net (Ronneberger et al. 2015) on synthetic
microscopy-like images.

Each 32x32 image holds 3-8 cells: ellipses of random size, orientation and
brightness with a brighter nucleus, on an uneven background (a brightness
gradient), blurred and with noise. The mask marks the cell pixels. The U-Net
encodes with two 3x3 convolutions (batch norm, ReLU) and max-pooling twice,
decodes with ConvTranspose2d up-sampling, and concatenates (torch.cat) each
decoder stage with the encoder stage of the same size: the skip connections
that keep the outlines sharp. The loss is binary cross-entropy plus the Dice
loss 1 - 2|P*T| / (|P| + |T|); the score is the Dice coefficient of the
thresholded prediction on held-out images, next to a global intensity
threshold's.

    python examples/unet/cells_unet.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves images, true masks and predictions.
"""

import argparse
import os
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset

SIZE = 32


def synthetic_cells(count, rng):
    """(images, masks), each (count, 1, 32, 32) float32."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    images = np.zeros((count, SIZE, SIZE))
    masks = np.zeros((count, SIZE, SIZE))
    for i in range(count):
        image = np.zeros((SIZE, SIZE))
        for _ in range(rng.integers(3, 9)):
            cy, cx = rng.uniform(3, SIZE - 3, size=2)
            a, b = rng.uniform(2.0, 5.5, size=2)
            angle = rng.uniform(0, np.pi)
            dy, dx = yy - cy, xx - cx
            u = (dx * np.cos(angle) + dy * np.sin(angle)) / a
            v = (-dx * np.sin(angle) + dy * np.cos(angle)) / b
            inside = u ** 2 + v ** 2 <= 1
            masks[i][inside] = 1
            image[inside] = np.maximum(image[inside], rng.uniform(0.45, 1.0))
            image[(u ** 2 + v ** 2) <= 0.15] += 0.3  # the nucleus
        # A light blur (3x3 box), an uneven background, and noise.
        padded = np.pad(image, 1, mode="edge")
        image = sum(padded[dy:dy + SIZE, dx:dx + SIZE] for dy in range(3) for dx in range(3)) / 9
        gradient = rng.uniform(0, 0.35) * (xx * np.cos(angle) + yy * np.sin(angle)) / SIZE
        images[i] = image + gradient + rng.normal(0, 0.08, size=(SIZE, SIZE))
    return images[:, None].astype(np.float32), masks[:, None].astype(np.float32)


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    def __init__(self, base=8):
        super().__init__()
        self.enc1 = double_conv(1, base)                  # 32x32
        self.enc2 = double_conv(base, 2 * base)           # 16x16
        self.bottom = double_conv(2 * base, 4 * base)     # 8x8
        self.up2 = nn.ConvTranspose2d(4 * base, 2 * base, 2, stride=2)
        self.dec2 = double_conv(4 * base, 2 * base)
        self.up1 = nn.ConvTranspose2d(2 * base, base, 2, stride=2)
        self.dec1 = double_conv(2 * base, base)
        self.head = nn.Conv2d(base, 1, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottom(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))  # skip connection
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


def dice_loss(logits, target, eps=1.0):
    p = torch.sigmoid(logits)
    overlap = (p * target).sum(dim=(1, 2, 3))
    return (1 - (2 * overlap + eps) / (p.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3)) + eps)).mean()


def dice_score(predicted, target):
    """Dice of two binary arrays, over the whole held-out set."""
    return 2 * (predicted * target).sum() / (predicted.sum() + target.sum())


def save_pictures(path, images, masks, predicted):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(3, 6, figsize=(9, 4.8))
    for j in range(6):
        for row, (data, title) in enumerate([(images, "image"), (masks, "true mask"), (predicted, "U-Net")]):
            axes[row, j].imshow(data[j, 0], cmap="gray")
            axes[row, j].axis("off")
            if j == 0:
                axes[row, j].set_title(title, fontsize=8, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="fewer images and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    train_count, epochs = (240, 6) if args.quick else (800, args.epochs)

    rng = np.random.default_rng(args.seed)
    x_train, y_train = synthetic_cells(train_count, rng)
    x_test, y_test = synthetic_cells(100, rng)
    mean, std = x_train.mean(), x_train.std()
    print(f"{train_count} training and {len(x_test)} held-out {SIZE}x{SIZE} images; "
          f"{y_train.mean():.2f} of the pixels are cells")

    torch.manual_seed(args.seed)
    model = UNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(torch.tensor((x_train - mean) / std), torch.tensor(y_train)),
                        batch_size=16, shuffle=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for x, y in loader:
            logits = model(x)
            loss = F.binary_cross_entropy_with_logits(logits, y) + dice_loss(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        print(f"epoch {epoch:2d}  loss {total / train_count:.4f}")
    model.eval()
    with torch.no_grad():
        predicted = (model(torch.tensor((x_test - mean) / std)) > 0).float().numpy()
    threshold = x_train[y_train == 1].mean() / 2 + x_train[y_train == 0].mean() / 2
    baseline = (x_test > threshold).astype(np.float32)
    print(f"held-out Dice {dice_score(predicted, y_test):.3f} (a global intensity threshold: "
          f"{dice_score(baseline, y_test):.3f}) after {epochs} epochs in {time.perf_counter() - start:.1f} s")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "unet_cells.png")
    print(f"picture: {path}" if save_pictures(path, x_test, y_test, predicted) else "picture: install matplotlib to save it")


if __name__ == "__main__":
    main()
