"""Course-style models (biomedical teaching notebooks), written as a student would, for
compare.py's "course" section: the same class builds with cajal or torch."""

import numpy as np


def dna_data(rng, count=512, length=30):
    """k-mer token sequences (vocabulary 64) of varying length, padded with 0,
    labelled by whether a motif occurs."""
    tokens = rng.integers(1, 64, size=(count, length)).astype(np.int64)
    lengths = rng.integers(length // 2, length + 1, size=count)
    padding = np.arange(length)[None] >= lengths[:, None]
    tokens[padding] = 0
    labels = ((tokens == 7).any(1) | (rng.random(count) < 0.3)).astype(np.int64)
    return tokens, labels


def hand_attention(lib, d_model=32, heads=4, layers=2, length=30):
    """A BERT-style classifier with attention from nn.Linear + softmax + matmul."""
    nn, F = lib.nn, lib.nn.functional

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
            self.out = nn.Linear(d_model, d_model)

        def forward(self, x, pad):
            b, t, _ = x.shape

            def split(y):
                return y.view(b, t, heads, d_model // heads).transpose(1, 2)
            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            scores = q @ k.transpose(-2, -1) / (d_model // heads) ** 0.5
            scores = scores.masked_fill(pad[:, None, None, :], float("-inf"))
            context = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d_model)
            return self.out(context)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = SelfAttention()
            self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
            self.ff = nn.Sequential(nn.Linear(d_model, 2 * d_model), nn.GELU(), nn.Linear(2 * d_model, d_model))

        def forward(self, x, pad):
            x = self.norm1(x + self.attention(x, pad))
            return self.norm2(x + self.ff(x))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(64, d_model, padding_idx=0)
            self.position = nn.Parameter(lib.zeros(1, length, d_model))
            self.blocks = nn.ModuleList([Block() for _ in range(layers)])
            self.head = nn.Linear(d_model, 2)

        def forward(self, tokens):
            pad = tokens == 0
            x = self.embed(tokens) + self.position
            for block in self.blocks:
                x = block(x, pad)
            keep = (~pad).unsqueeze(-1).float()
            return self.head((x * keep).sum(1) / keep.sum(1))
    return Net()


def encoder_classifier(lib, d_model=32, heads=4, ff=64, layers=2, length=30):
    """The same task with nn.TransformerEncoderLayer and a key padding mask."""
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(64, d_model, padding_idx=0)
            self.position = nn.Parameter(lib.zeros(1, length, d_model))
            layer = nn.TransformerEncoderLayer(d_model, heads, ff, dropout=0.1, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
            self.head = nn.Linear(d_model, 2)

        def forward(self, tokens):
            pad = tokens == 0
            x = self.encoder(self.embed(tokens) + self.position, src_key_padding_mask=pad)
            keep = (~pad).unsqueeze(-1).float()
            return self.head((x * keep).sum(1) / keep.sum(1))
    return Net()


def segmentation_data(rng, count=256, side=32):
    """Bright discs on noise, and their masks."""
    yy, xx = np.mgrid[:side, :side]
    images = np.zeros((count, 1, side, side), np.float32)
    masks = np.zeros((count, 1, side, side), np.float32)
    for i in range(count):
        cy, cx, r = rng.integers(8, side - 8, size=2).tolist() + [rng.integers(3, 8)]
        disc = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
        masks[i, 0] = disc
        images[i, 0] = disc * 1.0 + 0.4 * rng.standard_normal((side, side))
    return images, masks


def small_unet(lib, channels=(16, 32, 64)):
    """Conv-BatchNorm-ReLU blocks, max-pool down, ConvTranspose2d and bilinear
    Upsample up, cat skips."""
    nn = lib.nn

    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                             nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())

    c1, c2, c3 = channels

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.down1, self.down2, self.bottom = block(1, c1), block(c1, c2), block(c2, c3)
            self.pool = nn.MaxPool2d(2)
            self.up2 = nn.ConvTranspose2d(c3, c2, 2, stride=2)
            self.dec2 = block(2 * c2, c2)
            self.up1 = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                     nn.Conv2d(c2, c1, 1))
            self.dec1 = block(2 * c1, c1)
            self.head = nn.Conv2d(c1, 1, 1)

        def forward(self, x):
            s1 = self.down1(x)
            s2 = self.down2(self.pool(s1))
            b = self.bottom(self.pool(s2))
            x = self.dec2(lib.cat([self.up2(b), s2], 1))
            x = self.dec1(lib.cat([self.up1(x), s1], 1))
            return self.head(x)
    return UNet()
