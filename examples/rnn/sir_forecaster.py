"""Forecasting an epidemic with a GRU trained on SIR-model simulations.

Each series is 60 days of an outbreak from the SIR model (Kermack &
McKendrick 1927): dS/dt = -beta S I, dI/dt = beta S I - gamma I, dR/dt =
gamma I, with random transmission rate beta, recovery rate gamma (R0 from 1.3
to 4), and initial infected share, observed as the infected share with
multiplicative reporting noise. A GRU reads the first 30 days and forecasts
the next 20 in one shot. It is scored on held-out outbreaks by mean absolute
error, against repeating the last observed value and against extrapolating
the last week's growth rate.

    python examples/rnn/sir_forecaster.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves a few forecasts next to the truth.
"""

import argparse
import os
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F

SEEN, AHEAD = 30, 20


def simulate(count, rng, days=SEEN + AHEAD):
    """Infected share per day, (count, days), from Euler steps of a quarter day."""
    series = np.zeros((count, days))
    for k in range(count):
        gamma = rng.uniform(0.07, 0.2)
        beta = gamma * rng.uniform(1.3, 4.0)
        s, i = 1.0, 10 ** rng.uniform(-4, -2.5)
        s -= i
        for day in range(days):
            series[k, day] = i
            for _ in range(4):
                new, recovered = beta * s * i * 0.25, gamma * i * 0.25
                s, i = s - new, i + new - recovered
    noisy = series * rng.lognormal(0, 0.05, size=series.shape)
    return noisy.astype(np.float32), series.astype(np.float32)


class Forecaster(nn.Module):
    def __init__(self, hidden=48):
        super().__init__()
        self.gru = nn.GRU(1, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, AHEAD)

    def forward(self, seen):
        out, _ = self.gru(seen.unsqueeze(-1))
        return self.head(out[:, -1])


def scale(x):
    """Infected shares span four decades: the network reads and writes log10 of them."""
    return torch.log10(torch.clamp(x, min=1e-6)) + 3


def save_picture(path, seen, truth, forecast):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(1, 4, figsize=(12, 3), sharey=False)
    for ax, s, t, f in zip(axes, seen, truth, forecast):
        ax.plot(range(SEEN), s, "k.", markersize=3, label="observed")
        ax.plot(range(SEEN, SEEN + AHEAD), t, "g-", label="truth")
        ax.plot(range(SEEN, SEEN + AHEAD), f, "r--", label="GRU forecast")
        ax.set_xlabel("day")
    axes[0].set_ylabel("infected share")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="fewer outbreaks and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    count, epochs = (800, 12) if args.quick else (4000, args.epochs)

    rng = np.random.default_rng(args.seed)
    observed, _ = simulate(count, rng)
    test_observed, test_truth = simulate(300, rng)
    x, y = torch.tensor(observed[:, :SEEN]), torch.tensor(observed[:, SEEN:])
    print(f"{count} simulated outbreaks for training, 300 held out; {SEEN} days seen, {AHEAD} forecast")

    torch.manual_seed(args.seed)
    model = Forecaster()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(count)
        total = 0.0
        for first in range(0, count, 64):
            chosen = order[first:first + 64]
            loss = F.mse_loss(model(scale(x[chosen])), scale(y[chosen]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(chosen)
        if epoch == 1 or epoch % 4 == 0 or epoch == epochs:
            print(f"epoch {epoch:3d}  loss {total / count:.4f}")

    seen, truth = torch.tensor(test_observed[:, :SEEN]), test_truth[:, SEEN:]
    with torch.no_grad():
        forecast = (10 ** (model(scale(seen)) - 3)).numpy()
    last = test_observed[:, SEEN - 1:SEEN]
    growth = (test_observed[:, SEEN - 1] / test_observed[:, SEEN - 8]) ** (1 / 7)
    trend = last * growth[:, None] ** np.arange(1, AHEAD + 1)[None, :]

    def mae(prediction):
        return np.abs(prediction - truth).mean() * 100  # percentage points of the population

    print(f"held-out mean absolute error, in % of the population: GRU {mae(forecast):.3f}, last value repeated "
          f"{mae(np.repeat(last, AHEAD, axis=1)):.3f}, last week's growth extrapolated {mae(trend):.3f} "
          f"({time.perf_counter() - start:.1f} s)")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "sir_forecasts.png")
    shown = save_picture(path, test_observed[:4, :SEEN], truth[:4], forecast[:4])
    print(f"picture: {path}" if shown else "picture: install matplotlib to save it")


if __name__ == "__main__":
    main()
