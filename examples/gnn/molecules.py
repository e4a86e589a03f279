"""Graph classification of small molecule-like graphs with message passing.

Each graph is a random molecule skeleton of 8-16 heavy atoms (C, N, O, S as
one-hot node features; a random tree of bonds with the odd ring closure).
Half of them carry a nitro-like group, an N bonded to two O atoms; the other
half do not, though they have N atoms, O atoms, and carboxyl-like C atoms with
two O neighbours, so counting atoms is no shortcut: the network has to see the
N-O-O arrangement.

The model is a graph convolution network written with scatter ops, the way
graph libraries batch many graphs at once: the graphs of a batch form one
big disconnected graph, messages h_j travel along each bond j -> i and are
summed at i with index_add (h_i' = ReLU(W_self h_i + W_neighbours sum_j h_j)),
and each graph is read out by mean and max pooling over its own atoms
(index_add and scatter_reduce "amax" with the batch vector) before a linear
classifier.

    python examples/gnn/molecules.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F

ATOMS = ["C", "N", "O", "S"]


def random_molecule(rng, nitro):
    """(atom types, bonds) of one skeleton; `nitro` puts in an N with two O neighbours."""
    n = int(rng.integers(8, 17))
    types = list(rng.choice(4, size=n, p=[0.6, 0.15, 0.15, 0.1]))
    bonds = [(int(rng.integers(0, i)), i) for i in range(1, n)]  # a random tree
    if rng.random() < 0.3:  # a ring closure
        a, b = rng.choice(n, size=2, replace=False)
        bonds.append((int(a), int(b)))

    def attach_two_oxygens(center_type):
        center = int(rng.integers(0, len(types)))
        types[center] = center_type
        for _ in range(2):
            types.append(2)
            bonds.append((center, len(types) - 1))

    if nitro:
        attach_two_oxygens(1)
    elif rng.random() < 0.6:
        attach_two_oxygens(0)  # a carboxyl-like C(-O)(-O): two O neighbours, but not on an N
    # Break any accidental N with two O neighbours in the negatives.
    neighbours = [[] for _ in types]
    for a, b in bonds:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for atom, kind in enumerate(types):
        if kind == 1 and sum(types[j] == 2 for j in neighbours[atom]) >= 2 and not nitro:
            types[atom] = 3
    return types, bonds


def has_nitro(types, bonds):
    oxygens = [0] * len(types)
    for a, b in bonds:
        oxygens[a] += types[b] == 2
        oxygens[b] += types[a] == 2
    return any(t == 1 and o >= 2 for t, o in zip(types, oxygens))


def batch_graphs(molecules):
    """One disconnected graph: node features (N, 4), bonds both ways (2, E), and each node's graph."""
    features, source, target, graph_of = [], [], [], []
    offset = 0
    for g, (types, bonds) in enumerate(molecules):
        features += [np.eye(4, dtype=np.float32)[t] for t in types]
        for a, b in bonds:
            source += [a + offset, b + offset]
            target += [b + offset, a + offset]
        graph_of += [g] * len(types)
        offset += len(types)
    return torch.tensor(np.array(features)), torch.tensor(source), torch.tensor(target), torch.tensor(graph_of)


class GraphConv(nn.Module):
    """h_i' = ReLU(W_self h_i + W_neighbours sum over bonds j -> i of h_j)."""

    def __init__(self, features, out):
        super().__init__()
        self.own = nn.Linear(features, out)
        self.neighbours = nn.Linear(features, out, bias=False)

    def forward(self, h, source, target):
        summed = torch.zeros(h.shape[0], h.shape[1]).index_add(0, target, h[source])
        return torch.relu(self.own(h) + self.neighbours(summed))


class MoleculeNet(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.convs = nn.ModuleList([GraphConv(4, hidden), GraphConv(hidden, hidden)])
        self.classify = nn.Linear(2 * hidden, 1)

    def forward(self, x, source, target, graph_of, graphs):
        h = x
        for conv in self.convs:
            h = conv(h, source, target)
        expanded = graph_of.unsqueeze(1).expand(-1, h.shape[1])
        sizes = torch.zeros(graphs).index_add(0, graph_of, torch.ones(h.shape[0]))
        mean = torch.zeros(graphs, h.shape[1]).index_add(0, graph_of, h) / sizes.unsqueeze(1)
        maximum = torch.zeros(graphs, h.shape[1]).scatter_reduce(0, expanded, h, "amax", include_self=False)
        return self.classify(torch.cat([mean, maximum], dim=1)).squeeze(1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="fewer molecules and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    count, epochs = (600, 15) if args.quick else (2000, args.epochs)

    rng = np.random.default_rng(args.seed)
    labels = rng.random(count) < 0.5
    molecules = [random_molecule(rng, bool(y)) for y in labels]
    assert all(has_nitro(*m) == y for m, y in zip(molecules, labels))
    train_count = int(0.75 * count)
    print(f"{count} molecules ({labels.mean():.2f} with the N(-O)(-O) group), {train_count} for training")

    torch.manual_seed(args.seed)
    model = MoleculeNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(train_count)
        total = 0.0
        for start in range(0, train_count, 32):
            chosen = order[start:start + 32]
            x, source, target, graph_of = batch_graphs([molecules[i] for i in chosen])
            y = torch.tensor(labels[chosen].astype(np.float32))
            loss = F.binary_cross_entropy_with_logits(model(x, source, target, graph_of, len(chosen)), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(chosen)
        if epoch == 1 or epoch % 5 == 0 or epoch == epochs:
            print(f"epoch {epoch:3d}  loss {total / train_count:.4f}")

    held_out = list(range(train_count, count))
    x, source, target, graph_of = batch_graphs([molecules[i] for i in held_out])
    with torch.no_grad():
        predicted = model(x, source, target, graph_of, len(held_out)) > 0
    accuracy = (predicted == torch.tensor(labels[held_out])).float().mean().item()
    print(f"held-out accuracy {accuracy:.3f} on {len(held_out)} molecules (chance 0.5)")

    # Without the bonds: logistic regression on the atom counts alone.
    from sklearn.linear_model import LogisticRegression

    counts = np.array([np.bincount(types, minlength=4) for types, _ in molecules])
    baseline = LogisticRegression(max_iter=1000).fit(counts[:train_count], labels[:train_count])
    print(f"atom counts alone (no bonds): held-out accuracy {baseline.score(counts[train_count:], labels[train_count:]):.3f}")


if __name__ == "__main__":
    main()
