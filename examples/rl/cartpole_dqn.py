"""Deep Q-learning (Mnih et al. 2015) on the cart-pole of cartpole_reinforce.py.

A network estimates Q(s, a), the return of pushing left or right from state
s and acting well afterwards. Eight carts run side by side; each step, every
cart acts epsilon-greedily (epsilon falling from 1 to 0.05) and its
transition (s, a, r, s', done) goes into a replay buffer. Each step also
samples a batch of old transitions from the buffer and moves Q(s, a) towards
r + gamma max_a' Q_target(s', a') with the Huber loss, Q_target being a copy
of the network refreshed every 250 updates (the target network keeps the
regression target from chasing itself). Reported: the greedy policy's mean
return over 20 episodes, before and after (200 is the most).

    python examples/rl/cartpole_dqn.py [--steps N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import copy
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cartpole_reinforce import MAX_STEPS, step

CARTS, GAMMA = 8, 0.99


class ReplayBuffer:
    """The last `capacity` transitions, sampled uniformly."""

    def __init__(self, capacity, rng):
        self.states = np.zeros((capacity, 4), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.next_states = np.zeros((capacity, 4), dtype=np.float32)
        self.done = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.size, self.position, self.rng = capacity, 0, 0, rng

    def add(self, states, actions, rewards, next_states, done):
        for k in range(len(states)):
            i = self.position
            self.states[i], self.actions[i], self.rewards[i] = states[k], actions[k], rewards[k]
            self.next_states[i], self.done[i] = next_states[k], done[k]
            self.position = (i + 1) % self.capacity
            self.size = min(self.size + 1, self.capacity)

    def sample(self, count):
        picked = self.rng.integers(0, self.size, size=count)
        return (torch.tensor(self.states[picked]), torch.tensor(self.actions[picked]), torch.tensor(self.rewards[picked]),
                torch.tensor(self.next_states[picked]), torch.tensor(self.done[picked]))


def greedy_return(q, episodes, rng):
    """The mean return of always taking the best action, over `episodes` carts."""
    state = rng.uniform(-0.05, 0.05, size=(episodes, 4))
    alive, returns = np.ones(episodes, dtype=bool), np.zeros(episodes)
    with torch.no_grad():
        for _ in range(MAX_STEPS):
            actions = q(torch.tensor(state, dtype=torch.float32)).argmax(1).numpy()
            state, failed = step(state, actions == 1)
            returns += alive
            alive &= ~failed
            if not alive.any():
                break
    return returns.mean()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=6000, help="environment steps of the eight carts")
    parser.add_argument("--quick", action="store_true", help="2500 steps (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    steps = 2500 if args.quick else args.steps

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    q = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    target = copy.deepcopy(q)
    optimizer = torch.optim.Adam(q.parameters(), lr=1e-3)
    buffer = ReplayBuffer(20000, rng)
    before = greedy_return(q, 20, np.random.default_rng(args.seed + 1))
    state = rng.uniform(-0.05, 0.05, size=(CARTS, 4))
    lengths, finished, running = np.zeros(CARTS), [], None
    start = time.perf_counter()
    for t in range(1, steps + 1):
        epsilon = max(0.05, 1.0 - t / (0.4 * steps))
        with torch.no_grad():
            greedy = q(torch.tensor(state, dtype=torch.float32)).argmax(1).numpy()
        actions = np.where(rng.random(CARTS) < epsilon, rng.integers(0, 2, size=CARTS), greedy)
        next_state, failed = step(state, actions == 1)
        lengths += 1
        timeout = lengths >= MAX_STEPS
        # A fall ends the return; a timeout does not (the cart could have gone on).
        buffer.add(state, actions, np.ones(CARTS), next_state, failed)
        for k in np.flatnonzero(failed | timeout):
            finished.append(lengths[k])
            next_state[k], lengths[k] = rng.uniform(-0.05, 0.05, size=4), 0
        state = next_state
        if buffer.size >= 500:
            s, a, r, s2, done = buffer.sample(64)
            with torch.no_grad():
                goal = r + GAMMA * (1 - done) * target(s2).max(1)[0]
            estimate = q(s).gather(1, a[:, None])[:, 0]
            loss = F.smooth_l1_loss(estimate, goal)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running = loss.item() if running is None else 0.99 * running + 0.01 * loss.item()
            if t % 250 == 0:
                target.load_state_dict(q.state_dict())
        if t % (steps // 10) == 0 and running is not None:
            recent = np.mean(finished[-20:]) if finished else 0.0
            print(f"step {t:5d}  epsilon {epsilon:.2f}  loss {running:.4f}  recent episode length {recent:.0f}")
    after = greedy_return(q, 20, np.random.default_rng(args.seed + 1))
    print(f"greedy policy's mean return {before:.0f} before, {after:.0f} after training (of {MAX_STEPS}), "
          f"{len(finished)} episodes in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
