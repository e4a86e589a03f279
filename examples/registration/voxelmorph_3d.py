"""Deformable registration of volumes, VoxelMorph-style (Balakrishnan et al.
2019): voxelmorph_2d.py's method on 3-D scans.

Each pair is a 'fixed' volume and a 'moving' one: the same anatomy-like
phantom (an ellipsoid body with two inner organs), the moving one bent by a
random smooth 3-D deformation (random 3x3x3 displacements, up-sampled
trilinearly). A small 3-D CNN looks at both and predicts a dense
displacement field with three components; 5-D `grid_sample` warps the moving
volume along it (identity grid from a 5-D `affine_grid` plus the field). No
true field is shown: the loss is the warped-vs-fixed mean squared error plus
a smoothness penalty on the field's spatial gradients. The alignment is
reported before and after, as the image error and as the Dice overlap of the
phantoms' masks (the moving mask warped by the same predicted field).

    python examples/registration/voxelmorph_3d.py [--epochs N] [--quick] [--seed S]

Written as PyTorch code: `import cajal as torch` is the only change.
"""

import argparse
import time

import numpy as np

import cajal as torch
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.utils.data import DataLoader, TensorDataset

SIZE = 16


def phantom(rng):
    """An anatomy-like 16^3 volume in [0, 1]: a body with two inner organs, and its mask."""
    grid = np.stack(np.mgrid[-1:1:SIZE * 1j, -1:1:SIZE * 1j, -1:1:SIZE * 1j], -1)
    body = ((grid / rng.uniform(0.55, 0.8, size=3)) ** 2).sum(-1) <= 1
    volume = np.where(body, 0.4, 0.0)
    for _ in range(2):
        center = rng.uniform(-0.3, 0.3, size=3)
        organ = (((grid - center) / rng.uniform(0.15, 0.3, size=3)) ** 2).sum(-1) <= 1
        volume[organ] = rng.uniform(0.7, 1.0)
    return volume, body.astype(np.float64)


def random_field(rng, strength):
    """A smooth displacement field (3, D, H, W) in grid units: random 3x3x3 values, up-sampled trilinearly."""
    coarse = torch.tensor(rng.normal(0, strength, size=(1, 3, 3, 3, 3)).astype(np.float32))
    return F.interpolate(coarse, size=(SIZE, SIZE, SIZE), mode="trilinear", align_corners=True)[0]


def identity_grid(batch):
    theta = torch.tensor([[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]]).repeat(batch, 1, 1)
    return F.affine_grid(theta, (batch, 1, SIZE, SIZE, SIZE), align_corners=True)


def warp(volume, field):
    """Samples volume at identity + field (field: (N, 3, D, H, W) of x, y and z displacements)."""
    grid = identity_grid(volume.shape[0]) + field.permute(0, 2, 3, 4, 1)
    return F.grid_sample(volume, grid, mode="bilinear", padding_mode="border", align_corners=True)


def make_pairs(count, rng, strength=0.12):
    fixed, moving, fixed_masks, moving_masks = [], [], [], []
    for _ in range(count):
        volume, mask = phantom(rng)
        pair = torch.tensor(np.stack([volume, mask]).astype(np.float32)).unsqueeze(1)  # (2, 1, D, H, W)
        field = random_field(rng, strength).unsqueeze(0).repeat(2, 1, 1, 1, 1)
        bent = warp(pair, field)
        fixed.append(volume)
        fixed_masks.append(mask)
        moving.append(bent[0, 0].numpy())
        moving_masks.append((bent[1, 0] > 0.5).float().numpy())
    as_tensor = lambda arrays: torch.tensor(np.array(arrays, dtype=np.float32)).unsqueeze(1)  # noqa: E731
    return as_tensor(fixed), as_tensor(moving), as_tensor(fixed_masks), as_tensor(moving_masks)


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv3d(cin, cout, 3, stride=stride, padding=1), nn.LeakyReLU(0.2))


class RegistrationNet3d(nn.Module):
    """A small 3-D U-Net from (moving, fixed) to a displacement field."""

    def __init__(self, width=12):
        super().__init__()
        self.down1 = conv(2, width, stride=2)         # 8^3
        self.down2 = conv(width, width, stride=2)     # 4^3
        self.up2 = conv(width, width)
        self.up1 = conv(2 * width, width)
        self.out = conv(width + 2, width)
        self.flow = nn.Conv3d(width, 3, 3, padding=1)
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
    dz = field[:, :, 1:] - field[:, :, :-1]
    dy = field[:, :, :, 1:] - field[:, :, :, :-1]
    dx = field[:, :, :, :, 1:] - field[:, :, :, :, :-1]
    return (dz ** 2).mean() + (dy ** 2).mean() + (dx ** 2).mean()


def dice(a, b):
    return (2 * (a * b).sum() / (a.sum() + b.sum())).item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="fewer pairs and epochs (for CI)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoothness", type=float, default=0.05)
    args = parser.parse_args(argv)
    train_count, epochs = (96, 8) if args.quick else (400, args.epochs)

    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    fixed, moving, _, _ = make_pairs(train_count, rng)
    test_fixed, test_moving, test_fixed_masks, test_moving_masks = make_pairs(32, rng)
    print(f"{train_count} training and 32 held-out pairs of {SIZE}^3 volumes")

    model = RegistrationNet3d()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(moving, fixed), batch_size=8, shuffle=True)
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


if __name__ == "__main__":
    main()
