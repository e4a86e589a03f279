"""Masked-token pre-training (as in BERT and DNABERT) of a small transformer
encoder on DNA.

The sequences are 32 bases of random background into which two or three
regulatory motifs are planted (TATA box TATAAA, CAAT box GGCCAATCT, E-box
CACGTG, -35 box TTGACA). A seventh of the bases are hidden behind a [MASK]
token (BERT's 15 %), and the encoder learns to name them from both sides of
the context. Background bases are random, so no model can beat 1 in 4 on
them; bases inside a motif can be read from the motif's other bases. The
script reports the held-out accuracy on masked bases in motifs and in the
background: what the encoder learned is the motifs.

    python examples/transformer/dna_pretraining.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import math
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F

BASES = "ACGT"
MOTIFS = ["TATAAA", "GGCCAATCT", "CACGTG", "TTGACA"]
MASK = 4  # token id of [MASK]
LENGTH = 32


def sequences(count, rng):
    """(tokens (count, 48), in_motif (count, 48) bool)."""
    tokens = rng.integers(0, 4, size=(count, LENGTH))
    in_motif = np.zeros((count, LENGTH), dtype=bool)
    for row in range(count):
        start = 0
        for motif in rng.choice(MOTIFS, size=rng.integers(2, 4), replace=False):
            room = LENGTH - len(motif)
            position = int(rng.integers(start, room + 1)) if start <= room else None
            if position is None:
                break
            tokens[row, position:position + len(motif)] = [BASES.index(b) for b in motif]
            in_motif[row, position:position + len(motif)] = True
            start = position + len(motif)
    return tokens, in_motif


class MaskedDNAModel(nn.Module):
    def __init__(self, d_model=48, heads=4, layers=2):
        super().__init__()
        self.embed = nn.Embedding(5, d_model)
        # Sinusoidal positions ("Attention Is All You Need"): neighbours sit at
        # fixed offsets in them, which lets attention find the motif around a base.
        position = torch.arange(LENGTH).float().unsqueeze(1)
        frequency = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(100.0) / d_model))
        table = torch.zeros(LENGTH, d_model)
        table[:, 0::2] = torch.sin(position * frequency)
        table[:, 1::2] = torch.cos(position * frequency)
        self.register_buffer("position", table)
        layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=96, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(d_model, 4)

    def forward(self, tokens):
        x = self.embed(tokens) + self.position[:tokens.shape[1]]
        return self.head(self.encoder(x))


def mask_tokens(tokens, rng, rate=0.15):
    hidden = rng.random(tokens.shape) < rate
    masked = tokens.copy()
    masked[hidden] = MASK
    return masked, hidden


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--quick", action="store_true", help="fewer sequences and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    count, epochs = (4000, 4) if args.quick else (6000, args.epochs)

    rng = np.random.default_rng(args.seed)
    tokens, _ = sequences(count, rng)
    test_tokens, test_in_motif = sequences(500, rng)
    test_masked, test_hidden = mask_tokens(test_tokens, rng)
    print(f"{count} training and 500 held-out sequences of {LENGTH} bases; "
          f"{test_in_motif.mean():.2f} of the bases are in motifs")

    torch.manual_seed(args.seed)
    model = MaskedDNAModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.01)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        masked, hidden = mask_tokens(tokens, rng)  # a new mask every epoch
        order = rng.permutation(count)
        total, seen = 0.0, 0
        for first in range(0, count, 64):
            rows = order[first:first + 64]
            logits = model(torch.tensor(masked[rows]))
            targets = torch.tensor(np.where(hidden[rows], tokens[rows], -100))  # only the masked bases count
            loss = F.cross_entropy(logits.reshape(-1, 4), targets.reshape(-1), ignore_index=-100)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(rows)
            seen += len(rows)
        print(f"epoch {epoch:2d}  loss {total / seen:.4f}")

    model.eval()
    with torch.no_grad():
        predicted = model(torch.tensor(test_masked)).argmax(dim=-1).numpy()
    correct = predicted == test_tokens
    in_motif, background = test_hidden & test_in_motif, test_hidden & ~test_in_motif
    print(f"held-out masked-base accuracy: {correct[in_motif].mean():.3f} inside motifs, "
          f"{correct[background].mean():.3f} in the random background (chance 0.25), "
          f"{correct[test_hidden].mean():.3f} overall, in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
