"""Where does a CNN look? Grad-CAM (Selvaraju et al. 2017) and gradient
saliency for a digit classifier, through module hooks.

A small CNN is trained on scikit-learn's 8x8 digits. A forward hook on its
last convolution keeps the feature maps A_k; a full backward hook on the
same layer keeps their gradients dy/dA_k for the predicted class y. Grad-CAM
weights each map by its mean gradient, sums, keeps the positive part and
up-samples it to 8x8 (F.interpolate). Saliency is |dy/dx| of the input
pixels. Two checks that the maps point at what matters: blanking the 12
pixels a map ranks highest should hurt the held-out accuracy more than
blanking 12 random pixels of the digit, and the maps' mass should sit on the
ink more than the ink's share of the pixels. (At 4x4, Grad-CAM is coarse:
it finds the digit, not its decisive strokes; saliency is pixel-sharp.)

    python examples/cnn/gradcam_digits.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset

BLANKED = 12


class DigitCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)    # 16 x 4 x 4
        return self.classifier(F.relu(self.conv2(x)))  # the last convolution sees 4 x 4


class GradCAM:
    """Grad-CAM of `layer`, through a forward and a full backward hook."""

    def __init__(self, model, layer):
        self.model = model
        self.handles = [layer.register_forward_hook(self.keep_maps), layer.register_full_backward_hook(self.keep_grads)]

    def keep_maps(self, module, inputs, output):
        self.maps = output.detach()

    def keep_grads(self, module, grad_inputs, grad_outputs):
        self.grads = grad_outputs[0].detach()

    def __call__(self, images):
        logits = self.model(images)
        predicted = logits.argmax(1)
        self.model.zero_grad()
        logits.gather(1, predicted[:, None]).sum().backward()
        weights = self.grads.mean((2, 3), keepdim=True)             # one weight per feature map
        cam = F.relu((weights * self.maps).sum(1, keepdim=True))
        return F.interpolate(cam, size=(8, 8), mode="bilinear", align_corners=False)[:, 0]

    def remove(self):
        for handle in self.handles:
            handle.remove()


def saliency(model, images):
    images = images.clone().requires_grad_(True)
    logits = model(images)
    logits.gather(1, logits.argmax(1)[:, None]).sum().backward()
    return images.grad.abs()[:, 0]


def blank_top(images, scores, count):
    """The images with their `count` highest-scoring pixels set to 0."""
    order = scores.reshape(len(scores), -1).argsort(dim=1, descending=True)[:, :count]
    flat = images.reshape(len(images), -1).clone()
    flat.scatter_(1, order, 0.0)
    return flat.reshape(images.shape)


def accuracy(model, images, labels):
    with torch.no_grad():
        return (model(images).argmax(1).numpy() == labels).mean()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="10 epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = 10 if args.quick else args.epochs

    digits = load_digits()
    pixels = (digits.data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    x_train, x_test, y_train, y_test = train_test_split(pixels, digits.target, test_size=0.3, stratify=digits.target,
                                                        random_state=args.seed)
    torch.manual_seed(args.seed)
    model = DigitCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=64, shuffle=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        print(f"epoch {epoch:2d}  loss {total / len(x_train):.4f}")
    model.eval()
    images = torch.tensor(x_test)
    cam = GradCAM(model, model.conv2)
    maps = {"Grad-CAM": cam(images), "saliency": saliency(model, images)}
    cam.remove()
    # The random baseline blanks pixels of the digit itself (ink above 0), as the maps mostly do.
    rng = np.random.default_rng(args.seed)
    random_scores = torch.tensor(rng.random(x_test.shape[:1] + (8, 8)).astype(np.float32)) * (images[:, 0] > 0).float()
    scores = {name: accuracy(model, blank_top(images, m, BLANKED), y_test) for name, m in maps.items()}
    scores["random ink"] = accuracy(model, blank_top(images, random_scores, BLANKED), y_test)
    ink = (images[:, 0] > 0.25).float()
    shares = {name: ((m * ink).sum() / m.sum()).item() for name, m in maps.items()}
    print(f"held-out accuracy {accuracy(model, images, y_test):.3f}; with the top {BLANKED} pixels blanked: "
          + ", ".join(f"{name} {value:.3f}" for name, value in scores.items())
          + f" ({time.perf_counter() - start:.1f} s)")
    print(f"share of each map on the ink ({ink.mean().item():.2f} of the pixels): "
          + ", ".join(f"{name} {value:.2f}" for name, value in shares.items()))


if __name__ == "__main__":
    main()
