"""Deformable image registration, VoxelMorph-style (Balakrishnan et al.
2019), on synthetic 2-D scans.

Each pair is a 'fixed' scan and a 'moving' one: the same smooth anatomy-like
phantom (an outline with inner structures), the moving one bent by a random
smooth deformation. A small CNN looks at both and predicts a dense
displacement field; `grid_sample` warps the moving scan by it. No true field
is ever shown: the network learns from the similarity of the warped and
fixed scans (mean squared error) plus a smoothness penalty on the field's
spatial gradients. The alignment is reported before and after, as the image
error and as the Dice overlap of the phantoms' masks (the moving mask warped
by the same predicted field).

    python examples/registration/voxelmorph_2d.py [--epochs N] [--quick] [--seed S] [--out DIR]

Written as PyTorch code: `import cajal as torch` is the only change. With
matplotlib installed it saves fixed, moving and warped scans with the field.
"""

import argparse
import os
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset

SIZE = 32


def phantom(rng):
    """An anatomy-like 32x32 image in [0, 1]: a body outline with two inner organs, and its mask."""
    yy, xx = np.mgrid[-1:1:SIZE * 1j, -1:1:SIZE * 1j]
    image = np.zeros((SIZE, SIZE))
    ry, rx = rng.uniform(0.55, 0.8, size=2)
    body = (yy / ry) ** 2 + (xx / rx) ** 2 <= 1
    image[body] = 0.4
    for _ in range(2):
        cy, cx = rng.uniform(-0.3, 0.3, size=2)
        a, b = rng.uniform(0.12, 0.28, size=2)
        image[((yy - cy) / a) ** 2 + ((xx - cx) / b) ** 2 <= 1] = rng.uniform(0.7, 1.0)
    return image, body.astype(np.float64)


def random_field(rng, strength):
    """A smooth displacement field (2, 32, 32) in grid units: random 4x4 values, up-sampled bilinearly."""
    coarse = torch.tensor(rng.normal(0, strength, size=(1, 2, 4, 4)).astype(np.float32))
    return F.interpolate(coarse, size=(SIZE, SIZE), mode="bilinear", align_corners=True)[0]


def identity_grid(batch):
    theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]).repeat(batch, 1, 1)
    return F.affine_grid(theta, (batch, 1, SIZE, SIZE), align_corners=True)


def warp(image, field):
    """Samples image at identity + field (field: (N, 2, H, W) of x and y displacements)."""
    grid = identity_grid(image.shape[0]) + field.permute(0, 2, 3, 1)
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="border", align_corners=True)


def make_pairs(count, rng, strength=0.12):
    fixed, moving, fixed_masks, moving_masks = [], [], [], []
    for _ in range(count):
        image, mask = phantom(rng)
        pair = torch.tensor(np.stack([image, mask]).astype(np.float32)).unsqueeze(1)  # (2, 1, H, W)
        field = random_field(rng, strength).unsqueeze(0).repeat(2, 1, 1, 1)
        bent = warp(pair, field)
        fixed.append(image)
        fixed_masks.append(mask)
        moving.append(bent[0, 0].numpy())
        moving_masks.append((bent[1, 0] > 0.5).float().numpy())
    as_tensor = lambda arrays: torch.tensor(np.array(arrays, dtype=np.float32)).unsqueeze(1)  # noqa: E731
    return as_tensor(fixed), as_tensor(moving), as_tensor(fixed_masks), as_tensor(moving_masks)


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1), nn.LeakyReLU(0.2))


class RegistrationNet(nn.Module):
    """A small U-Net from (moving, fixed) to a displacement field."""

    def __init__(self, width=16):
        super().__init__()
        self.down1 = conv(2, width, stride=2)         # 16x16
        self.down2 = conv(width, width, stride=2)     # 8x8
        self.up2 = conv(width, width)
        self.up1 = conv(2 * width, width)
        self.out = conv(width + 2, width)
        self.flow = nn.Conv2d(width, 2, 3, padding=1)
        nn.init.normal_(self.flow.weight, 0.0, 1e-3)  # start near the identity, as VoxelMorph does
        nn.init.zeros_(self.flow.bias)

    def forward(self, moving, fixed):
        x = torch.cat([moving, fixed], dim=1)
        d1 = self.down1(x)
        d2 = self.down2(d1)
        u2 = F.interpolate(self.up2(d2), scale_factor=2, mode="nearest")
        u1 = F.interpolate(self.up1(torch.cat([u2, d1], dim=1)), scale_factor=2, mode="nearest")
        return self.flow(self.out(torch.cat([u1, x], dim=1)))


def smoothness(field):
    dy = field[:, :, 1:, :] - field[:, :, :-1, :]
    dx = field[:, :, :, 1:] - field[:, :, :, :-1]
    return (dy ** 2).mean() + (dx ** 2).mean()


def dice(a, b):
    return (2 * (a * b).sum() / (a.sum() + b.sum())).item()


def save_pictures(path, fixed, moving, warped, field):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(4, 4, figsize=(7, 7))
    for j in range(4):
        for row, (data, title) in enumerate([(fixed, "fixed"), (moving, "moving"), (warped, "warped")]):
            axes[row, j].imshow(data[j, 0], cmap="gray", vmin=0, vmax=1)
            axes[row, j].axis("off")
            axes[row, j].set_title(title, fontsize=8)
        step = 3
        ys, xs = np.mgrid[0:SIZE:step, 0:SIZE:step]
        axes[3, j].quiver(xs, ys, field[j, 0, ::step, ::step], -field[j, 1, ::step, ::step], angles="xy")
        axes[3, j].invert_yaxis()
        axes[3, j].set_title("predicted field", fontsize=8)
        axes[3, j].axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="fewer pairs and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoothness", type=float, default=0.05)
    parser.add_argument("--out", default="example_output")
    args = parser.parse_args(argv)
    train_count, epochs = (300, 8) if args.quick else (1000, args.epochs)

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    fixed, moving, _, _ = make_pairs(train_count, rng)
    test_fixed, test_moving, test_fixed_masks, test_moving_masks = make_pairs(100, rng)
    print(f"{train_count} training and 100 held-out pairs of {SIZE}x{SIZE} scans")

    model = RegistrationNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loader = DataLoader(TensorDataset(moving, fixed), batch_size=16, shuffle=True)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for m, f in loader:
            field = model(m, f)
            loss = F.mse_loss(warp(m, field), f) + args.smoothness * smoothness(field)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(m)
        print(f"epoch {epoch:2d}  loss {total / train_count:.5f}")

    with torch.no_grad():
        field = model(test_moving, test_fixed)
        warped = warp(test_moving, field)
        warped_masks = (warp(test_moving_masks, field) > 0.5).float()
    before, after = F.mse_loss(test_moving, test_fixed).item(), F.mse_loss(warped, test_fixed).item()
    print(f"held-out image error (MSE) {before:.5f} before, {after:.5f} after registration; "
          f"mask Dice {dice(test_moving_masks, test_fixed_masks):.3f} before, {dice(warped_masks, test_fixed_masks):.3f} after "
          f"({time.perf_counter() - start:.1f} s)")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "registration.png")
    shown = save_pictures(path, test_fixed.numpy(), test_moving.numpy(), warped.numpy(), field.numpy() * (SIZE - 1) / 2)
    print(f"picture: {path}" if shown else "picture: install matplotlib to save it")


if __name__ == "__main__":
    main()
