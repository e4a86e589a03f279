"""A small BERT-style encoder that classifies DNA sequences by the
promoter motif embedded in them.

Each sequence is 64 random bases. Class 1 carries a TATA box (TATAAA), class
2 a CAAT box (GGCCAATCT) with one base mutated a quarter of the time, each
at a random position; class 0 carries neither. As in DNABERT, the
tokens are overlapping 3-mers (64 of them); each gets a learned embedding
plus the sinusoidal positional encoding of "Attention Is All You Need". A
[CLS] token is prepended and its final state classifies the sequence.

    python examples/transformer/dna_transformer.py [--epochs N] [--quick] [--seed S] [--out DIR]

With matplotlib installed it saves the attention of [CLS] over held-out
sequences, with the motif marked.
"""

import argparse
import math
import os
import re
import time

import numpy as np

import cajal as torch
import cajal.nn as nn

BASES = "ACGT"
MOTIFS = {1: "TATAAA", 2: "GGCCAATCT"}
K = 3  # bases per token
CLS = 4 ** K  # token id of [CLS]


def sequence(label, rng, length=64):
    while True:
        bases = list(rng.choice(list(BASES), size=length))
        if label:
            motif = list(MOTIFS[label])
            if label == 2 and rng.uniform() < 0.25:
                motif[rng.integers(len(motif))] = BASES[rng.integers(4)]
            start = rng.integers(0, length - len(motif) + 1)
            bases[start:start + len(motif)] = motif
        text = "".join(bases)
        # Keep the classes clean: no accidental copy of another class's motif.
        if not any(re.search(m, text) for k, m in MOTIFS.items() if k != label):
            return kmers(text)


def kmers(text):
    """Overlapping k-mers as ids: ACG -> 0*16 + 1*4 + 2."""
    ids = [BASES.index(b) for b in text]
    return [sum(ids[i + j] * 4 ** (K - 1 - j) for j in range(K)) for i in range(len(ids) - K + 1)]


class PositionalEncoding(nn.Module):
    """sin / cos of position / 10000^(2i / d), added to the embeddings."""

    def __init__(self, d_model, max_length=512):
        super().__init__()
        position = torch.arange(max_length).float().unsqueeze(1)
        frequency = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_length, d_model)
        table[:, 0::2] = torch.sin(position * frequency)
        table[:, 1::2] = torch.cos(position * frequency)
        self.register_buffer("table", table)

    def forward(self, x):  # (batch, length, d_model)
        return x + self.table[:x.shape[1]]


class MotifBERT(nn.Module):
    def __init__(self, d_model=32, heads=4, layers=2, classes=3):
        super().__init__()
        self.embed = nn.Embedding(CLS + 1, d_model)
        self.position = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, classes)

    def forward(self, tokens):
        cls = torch.full((tokens.shape[0], 1), CLS, dtype=torch.int64)
        x = self.position(self.embed(torch.cat([cls, tokens], dim=1)) * math.sqrt(self.embed.embedding_dim))
        return self.head(self.norm(self.encoder(x)[:, 0]))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    model.train()
    return (predicted == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    epochs, count = (5, 1500) if args.quick else (args.epochs, 4000)

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    labels = rng.integers(0, 3, size=count + 600)
    tokens = torch.tensor([sequence(int(k), rng) for k in labels])
    labels = torch.from_numpy(labels).long()
    x_train, y_train, x_test, y_test = tokens[:count], labels[:count], tokens[count:], labels[count:]

    model = MotifBERT()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(epochs):
        order = torch.randperm(count)
        total = 0.0
        for i in range(0, count, 32):
            batch = order[i:i + 32]
            optimizer.zero_grad()
            loss = criterion(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1:2d}  loss {total / count:.3f}  held-out accuracy {accuracy(model, x_test, y_test):.3f}")
    result = accuracy(model, x_test, y_test)
    print(f"held-out accuracy {result:.3f} (chance 0.33) in {time.perf_counter() - start:.1f} s")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "dna_attention.png")
    shown = save_attention(model, x_test[y_test > 0][:6], path)
    print(f"attention map: {path}" if shown else "attention map: install matplotlib to save it as a PNG")
    return result


def cls_attention(model, tokens):
    """The last layer's attention from [CLS] to each 3-mer, averaged over heads: (n, 62)."""
    model.eval()
    with torch.no_grad():
        cls = torch.full((tokens.shape[0], 1), CLS, dtype=torch.int64)
        h = model.position(model.embed(torch.cat([cls, tokens], dim=1)) * math.sqrt(model.embed.embedding_dim))
        for layer in model.encoder.layers[:-1]:
            h = layer(h)
        _, weights = model.encoder.layers[-1].self_attn(h, h, h, need_weights=True)
    return weights[:, 0, 1:]


def save_attention(model, tokens, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    weights = cls_attention(model, tokens).numpy()
    fig, axes = plt.subplots(len(tokens), 1, figsize=(9, 1.1 * len(tokens)), sharex=True)
    for ax, row, ids in zip(axes, weights, tokens.tolist()):
        text = "".join(BASES[i // 16] for i in ids) + BASES[ids[-1] // 4 % 4] + BASES[ids[-1] % 4]
        ax.bar(range(len(row)), row, color="tab:blue")
        for motif in MOTIFS.values():
            found = re.search(motif, text)
            if found:
                ax.axvspan(found.start() - 0.5, found.end() - K + 0.5, color="tab:orange", alpha=0.3)
        ax.set_yticks([])
    axes[-1].set_xlabel("3-mer position (orange: the motif)")
    axes[0].set_title("attention of [CLS] to the sequence, last layer")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


if __name__ == "__main__":
    main()
