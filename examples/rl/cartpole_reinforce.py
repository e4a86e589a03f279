"""Deep reinforcement learning: REINFORCE (Williams 1992) balances a pole on
a cart.

The environment is the classic cart-pole (Barto, Sutton & Anderson 1983),
written here in numpy with the equations and constants of gymnasium's
CartPole: push the cart left or right every 20 ms; an episode ends when the
pole leans past 12 degrees, the cart leaves the track, or after 200 steps.
The reward is 1 per step survived. The policy is a small network giving the
probability of each push; after a batch of episodes it is nudged towards
the actions that were followed by high returns (the policy gradient, with
normalized discounted returns as the weights).

    python examples/rl/cartpole_reinforce.py [--iterations N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves the learning curve.
"""

import argparse
import os
import time

import numpy as np

import cajal as torch
import cajal.nn as nn

GRAVITY, CART_MASS, POLE_MASS, HALF_LENGTH, FORCE, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
MAX_STEPS, ANGLE_LIMIT, POSITION_LIMIT = 200, 12 * 2 * np.pi / 360, 2.4


def step(state, push_right):
    """One Euler step of the cart-pole for a batch of states (n, 4): x, x', theta, theta'."""
    x, x_dot, theta, theta_dot = state.T
    force = np.where(push_right, FORCE, -FORCE)
    cos, sin = np.cos(theta), np.sin(theta)
    total_mass = CART_MASS + POLE_MASS
    temp = (force + POLE_MASS * HALF_LENGTH * theta_dot ** 2 * sin) / total_mass
    theta_acc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * cos ** 2 / total_mass))
    x_acc = temp - POLE_MASS * HALF_LENGTH * theta_acc * cos / total_mass
    new = np.stack([x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot, theta_dot + TAU * theta_acc], 1)
    failed = (np.abs(new[:, 0]) > POSITION_LIMIT) | (np.abs(new[:, 2]) > ANGLE_LIMIT)
    return new, failed


def run_episodes(policy, count, rng):
    """Plays `count` episodes side by side; per episode its log-probabilities and rewards."""
    state = rng.uniform(-0.05, 0.05, size=(count, 4))
    alive = np.ones(count, dtype=bool)
    log_probs = [[] for _ in range(count)]
    for _ in range(MAX_STEPS):
        probabilities = torch.softmax(policy(torch.tensor(state, dtype=torch.float32)), dim=1)
        push_right = rng.random(count) < probabilities[:, 1].detach().numpy()
        chosen = torch.log(probabilities[torch.arange(count), torch.tensor(push_right.astype(np.int64))])
        for k in np.flatnonzero(alive):
            log_probs[k].append(chosen[k])
        state, failed = step(state, push_right)
        alive &= ~failed
        if not alive.any():
            break
    return log_probs  # one reward per logged step


def discounted(length, gamma):
    returns = np.zeros(length)
    running = 0.0
    for t in reversed(range(length)):
        running = 1.0 + gamma * running
        returns[t] = running
    return returns


def save_curve(path, history):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history)
    ax.set_xlabel("iteration (8 episodes each)")
    ax.set_ylabel("mean episode return")
    ax.set_title("REINFORCE on CartPole")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=120)
    parser.add_argument("--quick", action="store_true", help="50 iterations (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    iterations = min(args.iterations, 50) if args.quick else args.iterations

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    policy = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 2))
    optimizer = torch.optim.Adam(policy.parameters(), lr=0.02)
    history = []
    start = time.perf_counter()
    for iteration in range(1, iterations + 1):
        episodes = run_episodes(policy, 8, rng)
        lengths = [len(e) for e in episodes]
        weights = np.concatenate([discounted(n, 0.99) for n in lengths])
        weights = (weights - weights.mean()) / (weights.std() + 1e-8)
        loss = -(torch.stack([lp for e in episodes for lp in e]) * torch.tensor(weights, dtype=torch.float32)).sum() / 8
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history.append(float(np.mean(lengths)))
        if iteration == 1 or iteration % 10 == 0 or iteration == iterations:
            print(f"iteration {iteration:3d}  mean episode return {history[-1]:6.1f}")
    first, last = np.mean(history[:10]), np.mean(history[-10:])
    print(f"mean return over the first 10 iterations {first:.1f}, over the last 10 {last:.1f} (the maximum is "
          f"{MAX_STEPS}) in {time.perf_counter() - start:.1f} s")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "cartpole_returns.png")
    print(f"picture: {path}" if save_curve(path, history) else "picture: install matplotlib to save it")


if __name__ == "__main__":
    main()
