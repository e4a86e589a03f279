"""Tumour classification on the Wisconsin breast-cancer data (569 tumours,
30 features, malignant vs benign), with a 2-layer MLP built from raw cajal
ops and trained by mini-batch SGD written out by hand.

    make demo
    python examples/breast_cancer_mlp.py [--epochs N] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import cajal as torch


def standardize(train, test):
    """Scales each feature by the training set's mean and standard deviation."""
    mean = train.mean(dim=0, keepdim=True)
    std = ((train - mean) ** 2).mean(dim=0, keepdim=True).sqrt()
    return (train - mean) / std, (test - mean) / std


def bce_with_logits(logits, target):
    """mean(log(1 + e^z) - z*y), computed stably as relu(z) - z*y + log(1 + e^-|z|)."""
    magnitude = logits.relu() + (-logits).relu()
    return (logits.relu() - logits * target + (1 + (-magnitude).exp()).log()).mean()


class MLP:
    """30 -> hidden (tanh) -> 1 logit, with weights drawn as torch.nn.Linear would."""

    def __init__(self, features, hidden):
        bound1, bound2 = 1 / features**0.5, 1 / hidden**0.5
        self.w1 = ((torch.rand(features, hidden) * 2 - 1) * bound1).requires_grad_()
        self.b1 = ((torch.rand(hidden) * 2 - 1) * bound1).requires_grad_()
        self.w2 = ((torch.rand(hidden, 1) * 2 - 1) * bound2).requires_grad_()
        self.b2 = ((torch.rand(1) * 2 - 1) * bound2).requires_grad_()

    def parameters(self):
        return [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x):
        return ((x @ self.w1 + self.b1).tanh() @ self.w2 + self.b2).squeeze(-1)


def accuracy(model, x, y):
    with torch.no_grad():
        predicted = (model(x) > 0).float()
        return (predicted == y).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, stratify=data.target, random_state=args.seed)
    print(f"Wisconsin breast cancer: {len(x_train)} training and {len(x_test)} held-out tumours, "
          f"{data.data.shape[1]} features")

    torch.manual_seed(args.seed)
    x_train, x_test = standardize(torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32))
    y_train_all = torch.tensor(y_train, dtype=torch.float32)
    y_test = torch.tensor(y_test, dtype=torch.float32)
    model = MLP(x_train.shape[1], args.hidden)

    # Mini-batches: numpy shuffles the row order, cajal holds the batches.
    train_rows = x_train.numpy()
    train_labels = y_train_all.numpy()
    shuffler = np.random.default_rng(args.seed)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = shuffler.permutation(len(train_rows))
        total, batches = 0.0, 0
        for first in range(0, len(order), args.batch_size):
            rows = order[first:first + args.batch_size]
            xb, yb = torch.tensor(train_rows[rows]), torch.tensor(train_labels[rows])
            loss = bce_with_logits(model(xb), yb)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= args.lr * p.grad
                    p.grad = None
            total += loss.item()
            batches += 1
        if epoch == 1 or epoch % 5 == 0 or epoch == args.epochs:
            print(f"epoch {epoch:3d}  loss {total / batches:.4f}  "
                  f"train accuracy {accuracy(model, x_train, y_train_all):.4f}")
    seconds = time.perf_counter() - start
    test_accuracy = accuracy(model, x_test, y_test)
    print(f"held-out accuracy {test_accuracy:.4f} ({len(x_test)} tumours), trained in {seconds:.2f} s")
    return test_accuracy


if __name__ == "__main__":
    main()
