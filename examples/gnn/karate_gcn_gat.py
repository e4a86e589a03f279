"""Graph neural networks on Zachary's karate club (networkx ships it): 34
members, 78 friendships, and the split of the club into two factions. Only
four members' factions are given (the two leaders and one follower of each);
the networks label the other 30 from the friendships alone.

1. A GCN (Kipf & Welling 2017) written with the engine's ops: the dense
   normalized adjacency A_hat = D^-1/2 (A + I) D^-1/2, and two layers
   H' = A_hat H W.
2. A GAT layer (Velickovic et al. 2018) over the edge list: each edge j -> i
   gets a score LeakyReLU(a_dst . W h_i + a_src . W h_j), the scores are
   normalized over each node's incoming edges with a per-node softmax built
   from scatter ops (scatter_reduce "amax" for the maximum, index_add for the
   sum), and the messages are summed with index_add.

    python examples/gnn/karate_gcn_gat.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import os

import networkx as nx

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F


def karate():
    graph = nx.karate_club_graph()
    labels = torch.tensor([0 if graph.nodes[n]["club"] == "Mr. Hi" else 1 for n in graph.nodes])
    edges = list(graph.edges)
    # Both directions, plus a self-loop per node: the edge list j -> i.
    source = [j for i, j in edges] + [i for i, j in edges] + list(graph.nodes)
    target = [i for i, j in edges] + [j for i, j in edges] + list(graph.nodes)
    return graph, labels, torch.tensor(source), torch.tensor(target)


def normalized_adjacency(n, source, target):
    """D^-1/2 (A + I) D^-1/2 as a dense matrix (the self-loops are in the edge list)."""
    adjacency = torch.zeros(n, n)
    adjacency[target, source] = 1.0
    degree = adjacency.sum(dim=1)
    scale = degree.pow(-0.5)
    return scale.unsqueeze(1) * adjacency * scale.unsqueeze(0)


class GCN(nn.Module):
    def __init__(self, features, hidden, classes, a_hat):
        super().__init__()
        self.a_hat = a_hat
        self.layer1 = nn.Linear(features, hidden)
        self.layer2 = nn.Linear(hidden, classes)

    def forward(self, x):
        h = torch.relu(self.a_hat @ self.layer1(x))
        return self.a_hat @ self.layer2(h)


def segment_softmax(scores, segment, segments):
    """Softmax of `scores` (E,) within each segment (here: each node's incoming edges)."""
    maximum = torch.zeros(segments).scatter_reduce(0, segment, scores.detach(), "amax", include_self=False)
    weights = torch.exp(scores - maximum[segment])
    totals = torch.zeros(segments).index_add(0, segment, weights)
    return weights / totals[segment]


class GATLayer(nn.Module):
    def __init__(self, features, out, heads=1):
        super().__init__()
        self.heads, self.out = heads, out
        self.project = nn.Linear(features, heads * out, bias=False)
        self.attend_source = nn.Parameter(torch.randn(heads, out) * 0.1)
        self.attend_target = nn.Parameter(torch.randn(heads, out) * 0.1)

    def forward(self, x, source, target):
        n = x.shape[0]
        h = self.project(x).view(n, self.heads, self.out)
        scores = F.leaky_relu((h * self.attend_source).sum(-1)[source] + (h * self.attend_target).sum(-1)[target], 0.2)
        alpha = torch.stack([segment_softmax(scores[:, k], target, n) for k in range(self.heads)], dim=1)  # (E, heads)
        messages = h[source] * alpha.unsqueeze(-1)
        return torch.zeros(n, self.heads, self.out).index_add(0, target, messages), alpha


class GAT(nn.Module):
    def __init__(self, features, hidden, classes, heads=4):
        super().__init__()
        self.layer1 = GATLayer(features, hidden, heads)
        self.layer2 = GATLayer(hidden * heads, classes, 1)

    def forward(self, x, source, target):
        h, _ = self.layer1(x, source, target)
        h = F.elu(h.flatten(1))
        out, alpha = self.layer2(h, source, target)
        return out.squeeze(1), alpha


def train(model, run, labels, known, epochs, lr=0.01):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=5e-4)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(run()[known], labels[known])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def save_picture(graph, predictions, known, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(6, 5))
    colors = ["tab:blue" if p == 0 else "tab:orange" for p in predictions]
    sizes = [400 if n in known else 150 for n in graph.nodes]
    nx.draw_networkx(graph, pos=nx.spring_layout(graph, seed=0), node_color=colors, node_size=sizes, font_size=7, ax=ax)
    ax.set_title("GAT factions (large: the four given labels)")
    ax.axis("off")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="100 epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    epochs = min(args.epochs, 100) if args.quick else args.epochs

    graph, labels, source, target = karate()
    n = graph.number_of_nodes()
    features = torch.eye(n)  # no node attributes: each member is its own one-hot
    known = torch.tensor([0, 1, 33, 32])  # the two leaders and one follower of each
    unknown = torch.tensor([v for v in range(n) if v not in known.tolist()])
    print(f"karate club: {n} members, {graph.number_of_edges()} friendships, {len(known)} labels given")

    torch.manual_seed(args.seed)
    gcn = GCN(n, 16, 2, normalized_adjacency(n, source, target))
    losses = train(gcn, lambda: gcn(features), labels, known, epochs)
    with torch.no_grad():
        accuracy = (gcn(features).argmax(1)[unknown] == labels[unknown]).float().mean().item()
    print(f"GCN: loss {losses[0]:.4f} -> {losses[-1]:.4f}; accuracy on the {len(unknown)} unlabelled members {accuracy:.3f}")

    torch.manual_seed(args.seed)
    gat = GAT(n, 8, 2)
    losses = train(gat, lambda: gat(features, source, target)[0], labels, known, epochs, lr=0.005)
    with torch.no_grad():
        logits, alpha = gat(features, source, target)
        predictions = logits.argmax(1)
        accuracy = (predictions[unknown] == labels[unknown]).float().mean().item()
        per_node = torch.zeros(n).index_add(0, target, alpha[:, 0])
    print(f"GAT: loss {losses[0]:.4f} -> {losses[-1]:.4f}; accuracy on the {len(unknown)} unlabelled members {accuracy:.3f}; "
          f"attention sums to 1 at every node: {bool(torch.allclose(per_node, torch.ones(n), atol=1e-5))}")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "karate_factions.png")
    print(f"picture: {path}" if save_picture(graph, predictions.tolist(), known.tolist(), path)
          else "picture: install matplotlib to save it as a PNG")


if __name__ == "__main__":
    main()
