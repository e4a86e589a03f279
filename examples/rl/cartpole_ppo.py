"""Proximal policy optimisation (Schulman et al. 2017) on the cart-pole of
cartpole_reinforce.py.

An actor-critic network gives the logits of a `distributions.Categorical`
over the two pushes and an estimate of the state's value. Sixteen carts run
side by side for 64 steps; the advantages come from the value estimates by
generalized advantage estimation (gamma 0.99, lambda 0.95). Then four passes
over the batch in minibatches maximise the clipped surrogate
min(ratio A, clip(ratio, 0.8, 1.2) A), ratio being the new over the old
probability of each action taken, minus a value regression loss, plus an
entropy bonus that keeps the policy exploring. Reported: the mean return of
the policy's most likely actions over 20 episodes, before and after (200 is
the most).

    python examples/rl/cartpole_ppo.py [--iterations N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.distributions import Categorical
from cartpole_reinforce import MAX_STEPS, step

CARTS, HORIZON, GAMMA, LAMBDA, CLIP = 16, 64, 0.99, 0.95, 0.2


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh())
        self.policy, self.value = nn.Linear(64, 2), nn.Linear(64, 1)

    def forward(self, states):
        h = self.body(states)
        return Categorical(logits=self.policy(h)), self.value(h)[:, 0]


def greedy_return(model, episodes, rng):
    state = rng.uniform(-0.05, 0.05, size=(episodes, 4))
    alive, returns = np.ones(episodes, dtype=bool), np.zeros(episodes)
    with torch.no_grad():
        for _ in range(MAX_STEPS):
            actions = model(torch.tensor(state, dtype=torch.float32))[0].probs.argmax(1).numpy()
            state, failed = step(state, actions == 1)
            returns += alive
            alive &= ~failed
            if not alive.any():
                break
    return returns.mean()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=150)
    parser.add_argument("--quick", action="store_true", help="60 iterations (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    iterations = 60 if args.quick else args.iterations

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    model = ActorCritic()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    before = greedy_return(model, 20, np.random.default_rng(args.seed + 1))
    state = rng.uniform(-0.05, 0.05, size=(CARTS, 4))
    lengths, finished = np.zeros(CARTS), []
    start = time.perf_counter()
    for iteration in range(1, iterations + 1):
        # Roll out: HORIZON steps of every cart with the current policy.
        states, actions, log_probs, values, rewards, ends = [], [], [], [], [], []
        with torch.no_grad():
            for _ in range(HORIZON):
                observed = torch.tensor(state, dtype=torch.float32)
                policy, value = model(observed)
                action = policy.sample()
                next_state, failed = step(state, action.numpy() == 1)
                lengths += 1
                timeout = lengths >= MAX_STEPS
                states.append(observed)
                actions.append(action)
                log_probs.append(policy.log_prob(action))
                values.append(value)
                rewards.append(np.ones(CARTS, dtype=np.float32))
                ends.append((failed | timeout).astype(np.float32))
                for k in np.flatnonzero(failed | timeout):
                    finished.append(lengths[k])
                    next_state[k], lengths[k] = rng.uniform(-0.05, 0.05, size=4), 0
                state = next_state
            last_value = model(torch.tensor(state, dtype=torch.float32))[1].numpy()
        # Generalized advantage estimation, backwards in time.
        values_np = torch.stack(values).numpy()
        advantages = np.zeros((HORIZON, CARTS), dtype=np.float32)
        running = np.zeros(CARTS, dtype=np.float32)
        for t in reversed(range(HORIZON)):
            following = last_value if t == HORIZON - 1 else values_np[t + 1]
            delta = rewards[t] + GAMMA * following * (1 - ends[t]) - values_np[t]
            running = delta + GAMMA * LAMBDA * (1 - ends[t]) * running
            advantages[t] = running
        returns = torch.tensor((advantages + values_np).reshape(-1))
        advantages = torch.tensor(advantages.reshape(-1))
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        batch_states, batch_actions = torch.cat(states), torch.cat(actions)
        old_log_probs = torch.cat(log_probs)
        # Four epochs of minibatches on the clipped objective.
        total = 0.0
        for _ in range(4):
            for chunk in torch.randperm(HORIZON * CARTS).split(256):
                policy, value = model(batch_states[chunk])
                ratio = (policy.log_prob(batch_actions[chunk]) - old_log_probs[chunk]).exp()
                surrogate = torch.min(ratio * advantages[chunk], ratio.clamp(1 - CLIP, 1 + CLIP) * advantages[chunk])
                loss = -surrogate.mean() + 0.5 * F.mse_loss(value, returns[chunk]) - 0.01 * policy.entropy().mean()
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 0.5)
                optimizer.step()
                total += loss.item()
        recent = np.mean(finished[-20:]) if finished else 0.0
        print(f"iteration {iteration:2d}  loss {total / 16:.4f}  recent episode length {recent:.0f}")
    after = greedy_return(model, 20, np.random.default_rng(args.seed + 1))
    print(f"most likely actions' mean return {before:.0f} before, {after:.0f} after training (of {MAX_STEPS}), "
          f"{len(finished)} episodes in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
