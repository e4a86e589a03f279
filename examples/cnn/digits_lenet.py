"""Handwritten digits (scikit-learn's 1797 8x8 scans, 10 classes) with a
LeNet-5-style CNN: two convolution + max-pool stages, then three linear
layers, trained with cross-entropy by mini-batch SGD with momentum.

    python examples/cnn/digits_lenet.py [--epochs N] [--quick] [--seed S]

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


class LeNet(nn.Module):
    """LeNet-5's layout for 1x8x8 inputs: 'same' 3x3 convolutions keep the
    small images from vanishing before the classifier."""

    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 6 x 4 x 4
            nn.Conv2d(6, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 2 x 2
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 2 * 2, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    model.train()
    return (predicted == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a few epochs, for CI")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 20) if args.quick else args.epochs

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]  # N x 1 x 8 x 8, in [0, 1]
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=0.2, stratify=digits.target, random_state=args.seed)
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    print(f"digits: {len(x_train)} training and {len(x_test)} held-out 8x8 images, 10 classes")

    torch.manual_seed(args.seed)
    model = LeNet()
    print(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=args.batch_size,
                        shuffle=True)
    test_x, test_y = torch.tensor(x_test), torch.tensor(y_test)
    start = time.perf_counter()
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        losses.append(total / len(x_train))
        print(f"epoch {epoch + 1:2d}  loss {losses[-1]:.4f}  held-out accuracy {evaluate(model, test_x, test_y):.3f}")
    accuracy = evaluate(model, test_x, test_y)
    print(f"held-out accuracy {accuracy:.3f} after {epochs} epochs in {time.perf_counter() - start:.1f} s")
    return {"losses": losses, "accuracy": accuracy}


if __name__ == "__main__":
    main()
