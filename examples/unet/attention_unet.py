"""Attention U-Net (Oktay et al. 2018) against the plain U-Net on the
synthetic microscopy cells of cells_unet.py.

An attention gate sits on each skip connection: the decoder's coarser
features (the gating signal g) and the encoder's skip features x are
projected by 1x1 convolutions, added, passed through ReLU, a 1x1 convolution
to one channel and a sigmoid: a map alpha in [0, 1] that weights x before it
is concatenated. Where the decoder already knows there is no cell, the skip
features are suppressed. Both networks are trained the same way (same seed,
data, epochs, Adam, BCE + Dice) and scored by the held-out Dice; the mean
attention map is reported inside and outside the cells.

    python examples/unet/attention_unet.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset
from cells_unet import UNet, dice_loss, dice_score, double_conv, synthetic_cells


class AttentionGate(nn.Module):
    """alpha = sigmoid(psi(relu(W_g g + W_x x))), x weighted by alpha (g up-sampled to x's size)."""

    def __init__(self, gate_channels, skip_channels, inner):
        super().__init__()
        self.w_g = nn.Sequential(nn.Conv2d(gate_channels, inner, 1), nn.BatchNorm2d(inner))
        self.w_x = nn.Sequential(nn.Conv2d(skip_channels, inner, 1), nn.BatchNorm2d(inner))
        self.psi = nn.Sequential(nn.Conv2d(inner, 1, 1), nn.BatchNorm2d(1), nn.Sigmoid())
        self.last_alpha = None

    def forward(self, g, x):
        alpha = self.psi(F.relu(self.w_g(g) + self.w_x(x)))
        self.last_alpha = alpha.detach()
        return x * alpha


class AttentionUNet(nn.Module):
    def __init__(self, base=8):
        super().__init__()
        self.enc1 = double_conv(1, base)
        self.enc2 = double_conv(base, 2 * base)
        self.bottom = double_conv(2 * base, 4 * base)
        self.up2 = nn.ConvTranspose2d(4 * base, 2 * base, 2, stride=2)
        self.gate2 = AttentionGate(2 * base, 2 * base, base)
        self.dec2 = double_conv(4 * base, 2 * base)
        self.up1 = nn.ConvTranspose2d(2 * base, base, 2, stride=2)
        self.gate1 = AttentionGate(base, base, base // 2)
        self.dec1 = double_conv(2 * base, base)
        self.head = nn.Conv2d(base, 1, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        b = self.bottom(F.max_pool2d(e2, 2))
        u2 = self.up2(b)
        d2 = self.dec2(torch.cat([u2, self.gate2(u2, e2)], dim=1))  # gated skip connections
        u1 = self.up1(d2)
        d1 = self.dec1(torch.cat([u1, self.gate1(u1, e1)], dim=1))
        return self.head(d1)


def train(model, x, y, epochs, seed):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.binary_cross_entropy_with_logits(logits, yb) + dice_loss(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        print(f"{type(model).__name__:>13} epoch {epoch:2d}  loss {total / len(x):.4f}")
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="fewer images and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    train_count, epochs = (240, 6) if args.quick else (800, args.epochs)

    rng = np.random.default_rng(args.seed)
    x_train, y_train = synthetic_cells(train_count, rng)
    x_test, y_test = synthetic_cells(100, rng)
    mean, std = x_train.mean(), x_train.std()
    x, y, x_held = torch.tensor((x_train - mean) / std), torch.tensor(y_train), torch.tensor((x_test - mean) / std)
    start = time.perf_counter()
    scores = {}
    for name, make in (("U-Net", UNet), ("Attention U-Net", AttentionUNet)):
        torch.manual_seed(args.seed)
        model = train(make(), x, y, epochs, args.seed).eval()
        with torch.no_grad():
            scores[name] = dice_score((model(x_held) > 0).float().numpy(), y_test)
    alpha = model.gate1.last_alpha.numpy()
    inside, outside = alpha[y_test == 1].mean(), alpha[y_test == 0].mean()
    print(f"held-out Dice: U-Net {scores['U-Net']:.3f}, Attention U-Net {scores['Attention U-Net']:.3f}; "
          f"attention inside cells {inside:.2f}, outside {outside:.2f} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
