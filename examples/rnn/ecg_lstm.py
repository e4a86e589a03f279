"""Heartbeat rhythm classification with an LSTM over ECG-like signals.

Each example is 3 s of a single-lead ECG at 60 Hz (180 samples) built from
the Gaussian-wave model of McSharry et al. (2003): every beat is a sum of
P, Q, R, S and T bumps. Four rhythm classes, with random heart rate,
amplitudes, baseline wander and noise:

  0 normal sinus rhythm      regular beats with P waves
  1 atrial fibrillation      irregular beats, no P waves, fibrillatory baseline
  2 premature ventricular    one early, wide, tall beat without a P wave, then a pause
  3 ST elevation             normal rhythm with a raised ST segment

    python examples/rnn/ecg_lstm.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np

import cajal as torch
import cajal.nn as nn

RATE, SECONDS = 60, 3.0
CLASSES = ["normal", "atrial fibrillation", "PVC", "ST elevation"]
# (angle in the beat's phase, amplitude, width) for P, Q, R, S, T.
WAVES = np.array([[-0.2, 0.12, 0.025], [-0.035, -0.12, 0.01], [0.0, 1.0, 0.012], [0.035, -0.25, 0.01], [0.3, 0.3, 0.04]])


def beat(t, start, length, waves):
    """One beat: Gaussian bumps at fractions of the beat's length."""
    signal = np.zeros_like(t)
    for centre, amplitude, width in waves:
        signal += amplitude * np.exp(-((t - start - (0.3 + centre) * length) ** 2) / (2 * (width * length * 4) ** 2))
    return signal


def record(kind, rng):
    t = np.arange(int(RATE * SECONDS)) / RATE
    rr = 60 / rng.uniform(55, 100)
    signal = np.zeros_like(t)
    position = -rng.uniform(0, rr)
    premature = rng.integers(1, 3)
    index = 0
    while position < SECONDS:
        waves = WAVES * rng.uniform(0.85, 1.15, size=(5, 1)) ** np.array([[0, 1, 0]])
        length = rr
        if kind == 1:  # no P wave, irregular intervals
            waves = waves[1:]
            length = rr * rng.uniform(0.55, 1.45)
        elif kind == 2 and index == premature:  # early, wide and tall, no P wave
            waves = waves[1:] * np.array([[1, 1, 1]])
            waves[:, 2] *= 2.5
            waves[1, 1] *= 1.6
            waves[3, 1] *= -1.2  # inverted T
            position -= 0.3 * rr
            length = rr * 1.5  # compensatory pause
        elif kind == 3:  # ST segment raised between S and T
            waves = np.vstack([waves, [[0.15, rng.uniform(0.18, 0.3), 0.06]]])
        signal += beat(t, position, rr, waves)
        position += length
        index += 1
    if kind == 1:
        signal += 0.04 * np.sin(2 * np.pi * rng.uniform(5, 8) * t + rng.uniform(0, 6))
    wander = 0.1 * np.sin(2 * np.pi * rng.uniform(0.1, 0.4) * t + rng.uniform(0, 6))
    return (signal + wander + rng.normal(0, 0.03, size=t.shape)).astype(np.float32)


def make_dataset(count, rng):
    labels = rng.integers(0, len(CLASSES), size=count)
    return np.stack([record(k, rng) for k in labels])[:, :, None], labels


FRAME = 6  # samples per LSTM step: 0.1 s, so 30 steps cover a record


class RhythmNet(nn.Module):
    def __init__(self, hidden=48, classes=4):
        super().__init__()
        self.lstm = nn.LSTM(FRAME, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        frames = x.reshape(x.shape[0], -1, FRAME)  # (batch, 180, 1) -> (batch, 30 steps, 6 samples)
        _, (h, _) = self.lstm(frames)
        return self.head(h[-1])  # the last layer's final state


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    model.train()
    return (predicted == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--train", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.train = 10, 1200

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    x_train, y_train = make_dataset(args.train, rng)
    x_test, y_test = make_dataset(400, rng)
    x_train, x_test = torch.from_numpy(x_train), torch.from_numpy(x_test)
    y_train, y_test = torch.from_numpy(y_train).long(), torch.from_numpy(y_test).long()

    model = RhythmNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    criterion = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(args.epochs):
        order = torch.randperm(len(x_train))
        total = 0.0
        for i in range(0, len(x_train), 32):
            batch = order[i:i + 32]
            optimizer.zero_grad()
            loss = criterion(model(x_train[batch]), y_train[batch])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # keeps LSTM steps from jumping
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1:2d}  loss {total / len(x_train):.3f}  held-out accuracy {accuracy(model, x_test, y_test):.3f}")
    result = accuracy(model, x_test, y_test)
    print(f"held-out accuracy {result:.3f} (chance 0.25) in {time.perf_counter() - start:.1f} s")
    return result


if __name__ == "__main__":
    main()
