"""A vision transformer (Dosovitskiy et al. 2021) reads handwritten digits
(scikit-learn's 1797 8x8 scans).

nn.Unfold cuts each image into 16 patches of 2x2 pixels (the columns of
im2col); a linear layer embeds each patch; a learned class token is put in
front and a learned position embedding added; two pre-norm transformer
encoder layers (4 heads, GELU) mix the 17 tokens; the class token's final
state is classified. No convolution anywhere: the model learns the image's
2-D structure from the position embeddings alone. Reported: held-out
accuracy, next to logistic regression on the raw pixels.

    python examples/transformer/vit_digits.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset


class VisionTransformer(nn.Module):
    def __init__(self, patch=2, width=48, heads=4, layers=2, classes=10):
        super().__init__()
        tokens = (8 // patch) ** 2
        self.patches = nn.Unfold(patch, stride=patch)            # (N, patch², tokens)
        self.embed = nn.Linear(patch * patch, width)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.position = nn.Parameter(torch.randn(1, tokens + 1, width) * 0.02)
        layer = nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.1, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, images):
        x = self.embed(self.patches(images).transpose(1, 2))      # (N, tokens, width)
        x = torch.cat([self.cls.expand(len(x), -1, -1), x], dim=1) + self.position
        return self.head(self.norm(self.encoder(x)[:, 0]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="20 epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = 20 if args.quick else args.epochs

    digits = load_digits()
    pixels = (digits.data / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(pixels, digits.target, test_size=0.3, stratify=digits.target,
                                                        random_state=args.seed)
    torch.manual_seed(args.seed)
    model = VisionTransformer()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    loader = DataLoader(TensorDataset(torch.tensor(x_train.reshape(-1, 1, 8, 8)), torch.tensor(y_train)), batch_size=64,
                        shuffle=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for x, y in loader:
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        scheduler.step()
        print(f"epoch {epoch:2d}  loss {total / len(x_train):.4f}")
    model.eval()
    with torch.no_grad():
        accuracy = (model(torch.tensor(x_test.reshape(-1, 1, 8, 8))).argmax(1).numpy() == y_test).mean()
    baseline = LogisticRegression(max_iter=2000).fit(x_train, y_train).score(x_test, y_test)
    print(f"held-out accuracy {accuracy:.3f} (logistic regression on the pixels: {baseline:.3f}) after {epochs} epochs "
          f"in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
