"""Handwritten digits (scikit-learn's 1797 8x8 scans, shown at 16x16) with a
small VGG-style network: blocks of two 3x3 convolutions, each followed by
batch normalization and ReLU, then max-pooling and dropout; a dropout-
regularized classifier on top. Trained with Adam; `model.train()` and
`model.eval()` switch batch norm between batch statistics and running
averages and turn dropout on and off.

    python examples/cnn/digits_vgg.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset


def block(cin, cout, dropout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(dropout))


class SmallVGG(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(block(1, 16, 0.1), block(16, 32, 0.2))  # 16x16 -> 8x8 -> 4x4
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(64, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    model.train()
    return (predicted == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="4 epochs (for CI)")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 4) if args.quick else args.epochs

    digits = load_digits()
    images = np.kron(digits.images / 16.0, np.ones((2, 2))).astype(np.float32)[:, None]  # N x 1 x 16 x 16
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=0.2, stratify=digits.target, random_state=args.seed)
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    print(f"digits: {len(x_train)} training and {len(x_test)} held-out 16x16 images, 10 classes")

    torch.manual_seed(args.seed)
    model = SmallVGG()
    parameters = sum(p.numel() for p in model.parameters())
    print(f"SmallVGG: {parameters} parameters")
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=64, shuffle=True)
    test_x, test_y = torch.tensor(x_test), torch.tensor(y_test)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        print(f"epoch {epoch:2d}  loss {total / len(x_train):.4f}  held-out accuracy {accuracy(model, test_x, test_y):.3f}")
    print(f"held-out accuracy {accuracy(model, test_x, test_y):.3f} after {epochs} epochs in "
          f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
