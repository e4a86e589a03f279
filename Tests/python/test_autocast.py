"""torch.autocast on the CPU: which ops run in bfloat16, their values against
the arithmetic (bfloat16 operands, float32-or-better sums, one rounding), and
training under it ending within 1 % of float32."""

import warnings

import numpy as np
import pytest

import cajal as torch
import cajal.nn.functional as F
from cajal import nn


def bf16(values):
    """float32 values rounded to bfloat16 (nearest, ties to even), as float64."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return rounded.astype(np.uint32).view(np.float32).astype(np.float64)


def assert_within_one_bf16_step(actual, expected):
    """bfloat16 keeps 8 significant bits: a sum in another order may round one step away."""
    step = np.maximum(np.abs(expected), 1e-30) * 2.0 ** -7
    assert (np.abs(actual - expected) <= step).all(), np.abs(actual - expected).max()


def test_products_run_in_bfloat16_and_losses_in_float32():
    torch.manual_seed(0)
    linear, conv, up = nn.Linear(4, 3), nn.Conv2d(1, 2, 3), nn.ConvTranspose2d(2, 1, 2, stride=2)
    x = torch.randn(2, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert torch.is_autocast_enabled() and torch.get_autocast_dtype("cpu") is torch.bfloat16
        y = linear(x)
        assert y.dtype is torch.bfloat16
        assert (x @ x.t()).dtype is torch.bfloat16 and torch.bmm(x[None], x.t()[None]).dtype is torch.bfloat16
        image = conv(torch.randn(1, 1, 5, 5))
        assert image.dtype is torch.bfloat16 and up(image).dtype is torch.bfloat16
        assert torch.softmax(y, -1).dtype is torch.bfloat16  # not on CPU autocast's float32 list: follows its input
        loss = F.cross_entropy(y, torch.tensor([0, 1]))
        assert loss.dtype is torch.float32
        assert F.mse_loss(y, torch.zeros(2, 3)).dtype is torch.float32
        assert (x.double() @ x.double().t()).dtype is torch.float64  # only float32 is cast
        with torch.autocast("cpu", enabled=False):
            assert linear(x).dtype is torch.float32 and not torch.is_autocast_enabled()
        loss.backward()  # inside the context: backward ops keep their forward dtypes
    assert not torch.is_autocast_enabled() and linear(x).dtype is torch.float32
    assert linear.weight.grad.dtype is torch.float32 and linear.bias.grad.dtype is torch.float32


def test_linear_and_conv_values_are_the_bfloat16_arithmetic():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(8, 30)), rng.normal(size=(16, 30)), rng.normal(size=16)
    with torch.autocast("cpu"):
        y = F.linear(*(torch.tensor(a.astype(np.float32)) for a in (x, w, b)))
    assert y.dtype is torch.bfloat16
    expected = bf16(bf16(bf16(x) @ bf16(w).T) + bf16(b))  # the product rounded, then the bias added in bfloat16
    assert_within_one_bf16_step(y.float().numpy().astype(np.float64), expected)

    image, kernel = rng.normal(size=(1, 2, 6, 6)), rng.normal(size=(3, 2, 3, 3))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = F.conv2d(torch.tensor(image.astype(np.float32)), torch.tensor(kernel.astype(np.float32)))
    windows = np.lib.stride_tricks.sliding_window_view(bf16(image)[0], (3, 3), axis=(1, 2))  # (2, 4, 4, 3, 3)
    expected = bf16(np.einsum("cyxij,ocij->oyx", windows, bf16(kernel)))[None]
    assert_within_one_bf16_step(out.float().numpy().astype(np.float64), expected)


def test_autocast_is_a_decorator_and_refuses_what_torch_refuses():
    @torch.autocast("cpu")
    def forward(x):
        return x @ x

    assert forward(torch.eye(2)).dtype is torch.bfloat16
    with torch.amp.autocast("cpu", dtype=torch.float16):
        assert (torch.eye(2) @ torch.eye(2)).dtype is torch.float16
    with pytest.warns(UserWarning, match="CUDA is not available"):
        with torch.autocast("cuda"):
            assert (torch.eye(2) @ torch.eye(2)).dtype is torch.float32
    with pytest.warns(UserWarning, match="only supports dtype"):
        with torch.autocast("cpu", dtype=torch.float64):
            assert not torch.is_autocast_enabled()
    with pytest.raises(RuntimeError, match="unsupported autocast device_type"):
        torch.autocast("tpu")
    from cajal._ffi import lib
    assert lib.cajal_set_autocast(1, torch.float64.code) != 0  # the engine checks too
    assert lib.cajal_set_autocast(1, 12345) != 0


def train(build, x, y, loss_fn, autocast, steps, lr):
    torch.manual_seed(0)
    model = build()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for i in range(steps):
        rows = slice((i * 64) % (len(x) - 64), (i * 64) % (len(x) - 64) + 64)
        with torch.autocast("cpu", enabled=autocast):
            loss = loss_fn(model(x[rows]), y[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        return float(loss_fn(model(x), y)), losses


@pytest.mark.parametrize("example, tolerance", [("tumour MLP", 0.01), ("LeNet", 0.10)])
def test_training_under_autocast_ends_near_float32(example, tolerance):
    """The end of the loss curve (mean of the last 50 batch losses) under autocast against float32's.
    The MLP keeps within 1 % (measured 0.5 %; torch's own autocast 0.6 %). LeNet's bfloat16 run
    drifts from float32's in torch too (-0.9 % at 300 steps, +10 % at 600: Adam amplifies the
    rounding), so it gets 10 % (measured 6.9 %)."""
    from sklearn.datasets import load_breast_cancer, load_digits

    if example == "tumour MLP":
        data = load_breast_cancer()
        x = torch.tensor(((data.data - data.data.mean(0)) / data.data.std(0)).astype(np.float32))
        y = torch.tensor(data.target.astype(np.float32))

        def build():
            return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1),
                                 nn.Flatten(0))
        loss_fn, lr = nn.BCEWithLogitsLoss(), 1e-3
    else:
        data = load_digits()
        x = torch.tensor((data.images / 16.0).astype(np.float32)[:, None])
        y = torch.tensor(data.target)

        def build():
            return nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 3, padding=1),
                                 nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        loss_fn, lr = nn.CrossEntropyLoss(), 3e-3
    _, full = train(build, x, y, loss_fn, False, 300, lr)
    _, low = train(build, x, y, loss_fn, True, 300, lr)
    assert np.mean(full[-50:]) < np.mean(full[:50]) / 3  # it learned
    end_full, end_low = np.mean(full[-50:]), np.mean(low[-50:])
    assert abs(end_low - end_full) <= tolerance * end_full, (end_low, end_full)


def test_a_captured_step_keys_on_the_autocast_state():
    torch.manual_seed(0)
    model = nn.Linear(3, 2)

    @torch.compile
    def forward(x):
        return model(x)
    x = torch.ones(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            assert forward(x).dtype is torch.float32
        with torch.autocast("cpu"):
            for _ in range(3):
                assert forward(x).dtype is torch.bfloat16
        assert forward(x).dtype is torch.float32
