"""From the perceptron to the MLP on the Wisconsin breast-cancer data (569
tumours, 30 features, malignant vs benign): logistic regression (one linear
unit and a sigmoid, the perceptron with a smooth output) against two-layer
MLPs that differ only in their activation function: sigmoid, tanh, ReLU,
LeakyReLU and GELU. Every model starts from the same seed and sees the same
batches; the script prints the test accuracy and ROC AUC of each and, with
matplotlib installed, saves their training-loss curves.

    python examples/mlp/activations.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import os

from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

import cajal as torch
from cajal import nn
from cajal.utils.data import DataLoader, TensorDataset

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.05),
               "gelu": nn.GELU}


def make_model(name, features, hidden=32):
    if name == "logistic":
        return nn.Linear(features, 1)
    act = ACTIVATIONS[name]
    return nn.Sequential(nn.Linear(features, hidden), act(), nn.Linear(hidden, hidden), act(), nn.Linear(hidden, 1))


def train(model, loader, epochs, lr):
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x).squeeze(-1), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            count += len(y)
        losses.append(total / count)
    return losses


def test_scores(model, x, y):
    model.eval()
    with torch.no_grad():
        probabilities = torch.sigmoid(model(x).squeeze(-1))
    accuracy = ((probabilities > 0.5).float() == y).float().mean().item()
    return accuracy, roc_auc_score(y.tolist(), probabilities.tolist())


def save_curves(curves, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, losses in curves.items():
        ax.plot(range(1, len(losses) + 1), losses, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (BCE)")
    ax.set_yscale("log")
    ax.set_title("Activation functions on breast cancer")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="10 epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 10) if args.quick else args.epochs

    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, stratify=data.target,
                                                        random_state=args.seed)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = torch.tensor((x_train - mean) / std, dtype=torch.float32)
    x_test = torch.tensor((x_test - mean) / std, dtype=torch.float32)
    y_train, y_test = torch.tensor(y_train, dtype=torch.float32), torch.tensor(y_test, dtype=torch.float32)

    curves = {}
    print(f"{len(x_train)} train and {len(x_test)} test tumours, {epochs} epochs of Adam each")
    for name in ["logistic"] + list(ACTIVATIONS):
        torch.manual_seed(args.seed)  # the same initial draws and batches for every model
        model = make_model(name, x_train.shape[1])
        loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)
        curves[name] = train(model, loader, epochs, lr=3e-3)
        accuracy, auc = test_scores(model, x_test, y_test)
        print(f"{name:>10}: first loss {curves[name][0]:.4f}  last loss {curves[name][-1]:.4f}  "
              f"test accuracy {accuracy:.4f}  ROC AUC {auc:.4f}")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "activations.png")
    print(f"loss curves: {path}" if save_curves(curves, path) else "loss curves: install matplotlib to save them as a PNG")


if __name__ == "__main__":
    main()
