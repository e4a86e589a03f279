"""Base-calling nanopore-like current traces with the CTC loss (Graves et al.
2006): reading a DNA sequence from a signal without knowing where each base
starts.

A strand passing through a nanopore changes the current by an amount that
depends on the bases in the pore. Each synthetic read is a random sequence
of 6-12 bases (no base repeated twice in a row: a homopolymer's second base
would be invisible in this simple model); each base stays in the pore for 3
to 8 samples, and the current level depends on it and on the base before it
(a 2-mer model with 16 levels). The trace is noisy, drifts slowly, and its
overall scale varies between reads. The labels are the bases alone: no
alignment to the samples is given.

The network is a 1-D convolution (local features of the trace) and a
bidirectional GRU, then a linear layer to five classes (blank, A, C, G, T)
and log_softmax. nn.CTCLoss sums over every alignment of the bases to the
samples. Decoding is greedy: the most likely class per sample, repeats
merged, blanks dropped. Reported: the read identity (1 - edit distance /
length) on held-out reads, next to a decoder that knows the true 2-mer
levels and reads each (smoothed) sample as the nearest one.

    python examples/ctc/nanopore_ctc.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
from cajal.utils.data import DataLoader, TensorDataset

BASES = "ACGT"
LEVELS = np.random.default_rng(1234).uniform(-1.5, 1.5, size=(4, 4))  # the pore's 2-mer current levels


def synthetic_reads(count, rng, max_length=96):
    """(signals (count, max_length), signal lengths, padded labels (count, 12) in 1..4, label lengths)."""
    signals = np.zeros((count, max_length), dtype=np.float32)
    lengths, labels, label_lengths = [], np.zeros((count, 12), dtype=np.int64), []
    for i in range(count):
        while True:
            bases = [int(rng.integers(0, 4))]
            while len(bases) < rng.integers(6, 13):
                bases.append(int((bases[-1] + rng.integers(1, 4)) % 4))  # never the same base twice in a row
            dwell = rng.integers(3, 9, size=len(bases))
            if dwell.sum() <= max_length:
                break
        trace = np.concatenate([np.full(d, LEVELS[bases[k - 1] if k else bases[0], b]) for k, (b, d) in
                                enumerate(zip(bases, dwell))])
        trace = rng.uniform(0.8, 1.2) * trace + np.cumsum(rng.normal(0, 0.02, size=len(trace)))  # scale and drift
        trace += rng.normal(0, 0.25, size=len(trace))
        signals[i, :len(trace)] = trace
        lengths.append(len(trace))
        labels[i, :len(bases)] = np.array(bases) + 1  # 0 is CTC's blank
        label_lengths.append(len(bases))
    return signals, np.array(lengths), labels, np.array(label_lengths)


class BaseCaller(nn.Module):
    def __init__(self, hidden=48):
        super().__init__()
        self.features = nn.Sequential(nn.Conv1d(1, 32, 5, padding=2), nn.ReLU(), nn.Conv1d(32, 32, 5, padding=2), nn.ReLU())
        self.rnn = nn.GRU(32, hidden, batch_first=True, bidirectional=True)
        self.classify = nn.Linear(2 * hidden, len(BASES) + 1)

    def forward(self, signals):
        """(N, T) -> log-probabilities (T, N, 5), CTCLoss's layout."""
        features = self.features(signals[:, None]).transpose(1, 2)
        output, _ = self.rnn(features)
        return self.classify(output).log_softmax(2).transpose(0, 1)


def greedy_decode(classes, length):
    """Most likely class per sample -> bases: repeats merged, blanks dropped."""
    out, previous = [], 0
    for c in classes[:length]:
        if c != previous and c != 0:
            out.append(int(c))
        previous = c
    return out


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def identity(calls, labels, label_lengths):
    errors = sum(edit_distance(call, list(label[:n])) for call, label, n in zip(calls, labels, label_lengths))
    return 1 - errors / label_lengths.sum()


def nearest_level_calls(signals, lengths):
    """The baseline: the trace smoothed (mean of 3 samples), each sample read as the base of the nearest true
    2-mer level, then collapsed."""
    flat_levels, flat_bases = LEVELS.reshape(-1), np.tile(np.arange(4), 4) + 1
    calls = []
    for signal, n in zip(signals, lengths):
        smooth = np.convolve(np.pad(signal[:n], 1, mode="edge"), np.ones(3) / 3, mode="valid")
        nearest = flat_bases[np.abs(smooth[:, None] - flat_levels[None]).argmin(1)]
        calls.append(greedy_decode(nearest, n))
    return calls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="fewer reads and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    train_count, epochs = (800, 25) if args.quick else (3000, args.epochs)

    rng = np.random.default_rng(args.seed)
    signals, lengths, labels, label_lengths = synthetic_reads(train_count, rng)
    test = synthetic_reads(200, rng)
    print(f"{train_count} training and 200 held-out reads of {label_lengths.mean():.1f} bases over "
          f"{lengths.mean():.1f} samples on average")

    torch.manual_seed(args.seed)
    model = BaseCaller()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    loader = DataLoader(TensorDataset(torch.tensor(signals), torch.tensor(lengths), torch.tensor(labels),
                                      torch.tensor(label_lengths)), batch_size=32, shuffle=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for x, n, y, m in loader:
            loss = ctc(model(x), y, n, m)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        print(f"epoch {epoch:2d}  loss {total / train_count:.4f}")
    model.eval()
    with torch.no_grad():
        classes = model(torch.tensor(test[0])).argmax(2).transpose(0, 1).numpy()
    calls = [greedy_decode(c, n) for c, n in zip(classes, test[1])]
    print(f"held-out read identity {identity(calls, test[2], test[3]):.3f} (nearest true level per sample: "
          f"{identity(nearest_level_calls(test[0], test[1]), test[2], test[3]):.3f}) after {epochs} epochs in "
          f"{time.perf_counter() - start:.1f} s")
    shown = "".join(BASES[b - 1] for b in test[2][0][:test[3][0]])
    called = "".join(BASES[b - 1] for b in calls[0])
    print(f"read 0: true {shown}, called {called}")


if __name__ == "__main__":
    main()
