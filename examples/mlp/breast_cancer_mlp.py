"""Tumour classification on the Wisconsin breast-cancer data (569 tumours,
30 features, malignant vs benign): an nn.Module MLP trained with a DataLoader
and Adam, the best epoch kept as a checkpoint and reloaded for the test set.

    make demo
    python examples/mlp/breast_cancer_mlp.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change, and the
losses are PyTorch's to four decimals (same initial weights, same shuffled
batches, same Adam arithmetic). Shows a
progress bar (tqdm when installed), saves the train/validation loss curve as a
PNG when matplotlib is installed, and reports test accuracy and ROC AUC.
"""

import argparse
import os
import sys
import time

from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

import cajal as torch
from cajal import nn
from cajal.utils.data import DataLoader, TensorDataset


class TumourMLP(nn.Module):
    """30 features -> 64 -> 32 -> 1 logit (malignant vs benign)."""

    def __init__(self, features, hidden=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden // 2), nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


class Progress:
    """tqdm over the epochs when it is installed; a plain line per few epochs otherwise."""

    def __init__(self, epochs):
        try:
            from tqdm import tqdm

            self.bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", file=sys.stdout)
        except ImportError:
            self.bar = None
        self.epochs = epochs

    def __iter__(self):
        return iter(self.bar if self.bar is not None else range(1, self.epochs + 1))

    def show(self, epoch, **values):
        text = "  ".join(f"{k} {v:.4f}" for k, v in values.items())
        if self.bar is not None:
            self.bar.set_postfix_str(text)
        elif epoch == 1 or epoch % 10 == 0 or epoch == self.epochs:
            done = int(20 * epoch / self.epochs)
            print(f"epoch {epoch:3d}/{self.epochs} [{'#' * done}{'.' * (20 - done)}]  {text}", flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def evaluate(model, loader, criterion):
    """Mean loss, predicted probabilities and labels over a loader."""
    model.eval()
    total, count, scores, labels = 0.0, 0, [], []
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += criterion(logits, y).item() * len(y)
            count += len(y)
            scores += torch.sigmoid(logits).tolist()
            labels += y.tolist()
    return total / count, scores, labels


def save_loss_curve(history, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(history["train"]) + 1)
    ax.plot(epochs, history["train"], label="train")
    ax.plot(epochs, history["val"], label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross-entropy")
    ax.set_title("Tumour MLP on Wisconsin breast cancer")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="demo_output", help="folder for the checkpoint and the loss curve")
    parser.add_argument("--quick", action="store_true", help="15 epochs (for CI)")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = min(args.epochs, 15)
    os.makedirs(args.out, exist_ok=True)

    # 60 % train, 20 % validation (to pick the best epoch), 20 % test.
    data = load_breast_cancer()
    x_rest, x_test, y_rest, y_test = train_test_split(data.data, data.target, test_size=0.2, stratify=data.target,
                                                      random_state=args.seed)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25, stratify=y_rest,
                                                      random_state=args.seed)
    print(f"Wisconsin breast cancer: {len(x_train)} train, {len(x_val)} validation, {len(x_test)} test tumours, "
          f"{data.data.shape[1]} features")

    torch.manual_seed(args.seed)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)

    def dataset(x, y):
        return TensorDataset(torch.tensor((x - mean) / std, dtype=torch.float32), torch.tensor(y, dtype=torch.float32))

    train_loader = DataLoader(dataset(x_train, y_train), batch_size=args.batch_size, shuffle=True)
    val_loader = DataLoader(dataset(x_val, y_val), batch_size=256)
    test_loader = DataLoader(dataset(x_test, y_test), batch_size=256)

    model = TumourMLP(x_train.shape[1])
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=1e-4)
    checkpoint_path = os.path.join(args.out, "best_tumour_mlp.safetensors")

    history, best = {"train": [], "val": []}, (float("inf"), 0)
    progress = Progress(args.epochs)
    start = time.perf_counter()
    for epoch in progress:
        model.train()
        total, count = 0.0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            count += len(y)
        val_loss, _, _ = evaluate(model, val_loader, criterion)
        history["train"].append(total / count)
        history["val"].append(val_loss)
        if val_loss < best[0]:
            best = (val_loss, epoch)
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                        "val_loss": val_loss}, checkpoint_path)
        progress.show(epoch, train_loss=total / count, val_loss=val_loss)
    progress.close()
    seconds = time.perf_counter() - start
    print(f"trained {args.epochs} epochs in {seconds:.2f} s; best validation loss {best[0]:.4f} at epoch {best[1]}")

    # The best epoch's weights, from the file, into a fresh model.
    checkpoint = torch.load(checkpoint_path, map_location="cpu")
    restored = TumourMLP(x_train.shape[1])
    restored.load_state_dict(checkpoint["model"])
    test_loss, scores, labels = evaluate(restored, test_loader, criterion)
    accuracy = sum((s > 0.5) == (y > 0.5) for s, y in zip(scores, labels)) / len(labels)
    auc = roc_auc_score(labels, scores)
    print(f"checkpoint {checkpoint_path} (epoch {checkpoint['epoch']}) on {len(labels)} test tumours: "
          f"accuracy {accuracy:.4f}  ROC AUC {auc:.4f}  loss {test_loss:.4f}")
    curve = os.path.join(args.out, "loss_curve.png")
    if save_loss_curve(history, curve):
        print(f"loss curve: {curve}")
    else:
        print("loss curve: install matplotlib to save it as a PNG")
    return accuracy, auc


if __name__ == "__main__":
    main()
