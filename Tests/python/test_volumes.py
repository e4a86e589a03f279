"""The 3-d layers beyond their fixtures (fixtures/volumes.json holds them to
torch case by case): the chunked column matrix of large volumes, checked by
identities with independently tested ops, the layers' bookkeeping, and bad
arguments, which must raise and leave the process alive."""

import pytest

import cajal
import cajal.nn.functional as F


def test_chunked_conv3d_is_the_depth_sum_of_plane_convolutions():
    # 2 channels of 80 x 64 x 64 with a 3x3x3 kernel: 37 output planes fit the
    # 32 MB column buffer, so the forward and both gradients run in 3 chunks.
    # A 3-d convolution is the sum over kernel depth kd of 2-d convolutions of
    # input plane od + kd - 1 (zero-padded) with weight[:, :, kd].
    cajal.manual_seed(0)
    x = cajal.randn(1, 2, 80, 64, 64, requires_grad=True)
    w = cajal.randn(3, 2, 3, 3, 3, requires_grad=True)
    out = F.conv3d(x, w, padding=1)
    probe = cajal.randn(out.shape)
    (out * probe).sum().backward()
    grads = x.grad.clone(), w.grad.clone()
    x.grad, w.grad = None, None

    padded = F.pad(x, [0, 0, 0, 0, 1, 1])  # depth only: the 2-d convolutions pad height and width
    expected = 0
    for kd in range(3):
        planes = padded[:, :, kd:kd + 80].permute(0, 2, 1, 3, 4).reshape(80, 2, 64, 64)
        expected = expected + F.conv2d(planes, w[:, :, kd], padding=1)
    expected = expected.reshape(1, 80, 3, 64, 64).permute(0, 2, 1, 3, 4)
    assert cajal.allclose(out, expected, atol=1e-4, rtol=1e-5)
    (expected * probe).sum().backward()
    assert cajal.allclose(grads[0], x.grad, atol=1e-4, rtol=1e-5)
    assert cajal.allclose(grads[1], w.grad, atol=2e-2, rtol=1e-4)  # sums of 80 x 64 x 64 terms


def test_conv_transpose3d_is_the_adjoint_of_conv3d_on_a_chunked_volume():
    # <conv3d(x, w), y> = <x, conv_transpose3d(y, w)>, with strides and padding.
    cajal.manual_seed(1)
    x = cajal.randn(1, 2, 81, 64, 64, dtype=cajal.float64)
    w = cajal.randn(3, 2, 3, 3, 3, dtype=cajal.float64)
    y = cajal.randn(F.conv3d(x, w, stride=[2, 1, 2], padding=1).shape, dtype=cajal.float64)
    left = (F.conv3d(x, w, stride=[2, 1, 2], padding=1) * y).sum()
    right = (x * F.conv_transpose3d(y, w, stride=[2, 1, 2], padding=1, output_padding=[0, 0, 1])).sum()
    assert abs(left.item() - right.item()) <= 1e-9 * abs(left.item())


def test_3d_layers_shapes_and_state():
    x = cajal.randn(2, 3, 6, 8, 10)
    assert cajal.nn.Conv3d(3, 4, 3, stride=2, padding=1)(x).shape == (2, 4, 3, 4, 5)
    assert cajal.nn.ConvTranspose3d(3, 2, 2, stride=2)(x).shape == (2, 2, 12, 16, 20)
    assert cajal.nn.ConvTranspose1d(3, 2, 3, stride=2, output_padding=1)(cajal.randn(2, 3, 5)).shape == (2, 2, 12)
    assert cajal.nn.MaxPool3d(2)(x).shape == (2, 3, 3, 4, 5)
    assert cajal.nn.AvgPool3d(3, stride=2, padding=1)(x).shape == (2, 3, 3, 4, 5)
    assert cajal.nn.AdaptiveAvgPool3d((1, 2, None))(x).shape == (2, 3, 1, 2, 10)
    values, indices = cajal.nn.AdaptiveMaxPool3d(2, return_indices=True)(x)
    assert values.shape == indices.shape == (2, 3, 2, 2, 2)
    assert cajal.equal(x.flatten(2).gather(2, indices.flatten(2)), values.flatten(2))
    # torch's buffers: the running statistics and the counter, which instance norm never advances.
    norm = cajal.nn.InstanceNorm3d(3, affine=True, track_running_stats=True)
    assert list(norm.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    norm(x)
    assert norm.num_batches_tracked.item() == 0 and not cajal.equal(norm.running_mean, cajal.zeros(3))
    assert list(cajal.nn.InstanceNorm1d(3).state_dict()) == []
    assert norm(x[0]).shape == x[0].shape  # unbatched
    bn = cajal.nn.BatchNorm3d(3)
    assert bn(x).shape == x.shape and bn.num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match="expected 5D input"):
        bn(x[0])


BAD_CALLS = [
    ("conv3d", lambda: F.conv3d(cajal.randn(2, 4, 4), cajal.randn(3, 2, 2, 2, 2)), r"\[conv3d\] Expected 4D .*or 5D"),
    ("conv3d", lambda: F.conv3d(cajal.randn(1, 2, 4, 4, 4), cajal.randn(3, 2, 5, 2, 2)), r"\[conv3d\] .*Kernel size"),
    ("conv3d", lambda: F.conv3d(cajal.randn(1, 2, 4, 4, 4), cajal.randn(3, 2, 2, 2, 2), padding=-1),
     r"\[conv3d\] negative padding"),
    ("conv3d", lambda: F.conv3d(cajal.randn(1, 2, 4, 4, 4), cajal.randn(3, 2, 2, 2, 2), padding=[1, 1]),
     r"\[conv3d\] expected padding to be a single integer value or a list of 3"),
    ("conv3d", lambda: F.conv3d(cajal.randn(1, 2, 4, 4, 4), cajal.randn(3, 2, 2, 2, 2), stride=2**62),
     r"\[conv3d\] stride"),
    ("conv3d", lambda: F.conv3d(cajal.randn(1, 2, 4, 4, 4), cajal.randn(3, 2, 2, 2, 2), dilation=2**40),
     r"\[conv3d\]"),
    ("conv3d", lambda: F.conv3d(cajal.randn(1, 4, 4, 4, 4), cajal.randn(3, 2, 2, 2, 2), groups=2),
     r"\[conv3d\] Given groups=2, expected weight to be divisible by 2"),
    ("conv_transpose3d", lambda: F.conv_transpose3d(cajal.randn(1, 2, 3, 3, 3), cajal.randn(2, 2, 2, 2, 2), stride=2,
                                                    output_padding=2), r"\[conv_transpose3d\] output padding must be smaller"),
    ("conv_transpose3d", lambda: F.conv_transpose3d(cajal.randn(1, 2, 3, 3, 3), cajal.randn(2, 2, 2, 2, 2),
                                                    stride=2**61), r"\[conv_transpose3d\]"),
    ("conv_transpose1d", lambda: F.conv_transpose1d(cajal.randn(1, 3, 3), cajal.randn(2, 2, 2)),
     r"\[conv_transpose1d\] Given transposed=1, weight of size \[2, 2, 2\], expected input\[1, 3, 3\] to have 2 channels"),
    ("max_pool3d", lambda: F.max_pool3d(cajal.randn(1, 2, 4, 4, 4), 0), r"\[max_pool3d\] kernel size should be greater than zero"),
    ("max_pool3d", lambda: F.max_pool3d(cajal.randn(1, 2, 4, 4, 4), 2, padding=2), r"\[max_pool3d\] pad should be at most half"),
    ("max_pool3d", lambda: F.max_pool3d(cajal.randn(2, 4, 4), 2), r"\[max_pool3d\] Expected 4D or 5D input"),
    ("avg_pool3d", lambda: F.avg_pool3d(cajal.randn(1, 2, 4, 4, 4), 2, stride=2**62), r"\[avg_pool3d\]"),
    ("avg_pool3d", lambda: F.avg_pool3d(cajal.randn(1, 2, 4, 4, 4), 2, divisor_override=0), r"divisor must be not zero"),
    ("adaptive_max_pool3d", lambda: F.adaptive_max_pool3d(cajal.randn(1, 2, 4, 4, 4), [0, 2, 2]),
     r"\[adaptive_max_pool3d\] output_size must be positive"),
    ("adaptive_max_pool3d", lambda: F.adaptive_max_pool3d(cajal.randn(1, 2, 0, 4, 4), 2), r"\[adaptive_max_pool3d\].*non-zero"),
    ("adaptive_max_pool1d", lambda: F.adaptive_max_pool1d(cajal.randn(1, 2, 4), 2**62), r"\[adaptive_max_pool"),
    ("affine_grid", lambda: F.affine_grid(cajal.randn(1, 2, 3), [1, 1, 2, 2, 2]), r"\[affine_grid\] Expected a batch of 3D affine"),
    ("affine_grid", lambda: F.affine_grid(cajal.randn(1, 3, 4), [1, 1, 2**40, 2**40, 2**40]), r"\[affine_grid\]"),
    ("grid_sample", lambda: F.grid_sample(cajal.randn(1, 1, 2, 2, 2), cajal.randn(1, 2, 2, 2)), r"\[grid_sample\] expected input"),
    ("instance_norm", lambda: F.instance_norm(cajal.randn(2, 3, 4, 4, 4), cajal.zeros(2), cajal.ones(3)),
     r"\[instance_norm\] expected running_mean of size \[3\]"),
    ("dropout3d", lambda: F.dropout3d(cajal.randn(2, 3, 4, 4, 4), 1.5), r"dropout probability has to be between 0 and 1"),
    ("interpolate", lambda: F.interpolate(cajal.randn(1, 1, 2, 2, 2), scale_factor=2, mode="bilinear"),
     r"Got 5D input, but bilinear mode needs 4D input"),
]


@pytest.mark.parametrize("op, call, message", BAD_CALLS, ids=[f"{op}-{i}" for i, (op, _, _) in enumerate(BAD_CALLS)])
def test_bad_volume_arguments_raise_and_the_process_lives(op, call, message):
    with pytest.raises((RuntimeError, ValueError, NotImplementedError, MemoryError), match=message):
        call()
    assert F.conv3d(cajal.ones(1, 1, 2, 2, 2), cajal.ones(1, 1, 2, 2, 2)).item() == 8.0


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_conv_padding_mode_pads_by_mode_then_convolves(mode, dims):
    # torch's definition of padding_mode: F.pad by the mode (last dim first), then a convolution without padding.
    cajal.manual_seed(dims)
    layer = getattr(cajal.nn, f"Conv{dims}d")(2, 3, 3, padding=[1, 2, 1][:dims], padding_mode=mode)
    x = cajal.randn(2, 2, *[6, 5, 7][:dims])
    pads = [p for p in reversed([1, 2, 1][:dims]) for _ in range(2)]
    expected = getattr(F, f"conv{dims}d")(F.pad(x, pads, mode=mode), layer.weight, layer.bias)
    assert cajal.equal(layer(x), expected)
    same = getattr(cajal.nn, f"Conv{dims}d")(2, 3, 4, padding="same", padding_mode=mode)
    assert same(x).shape == (2, 3, *x.shape[2:])  # torch's uneven 'same' split: one more after


def test_padding_layers_match_the_functional_form():
    x = cajal.randn(1, 2, 4, 5, 6)
    assert cajal.equal(cajal.nn.ReflectionPad3d(2)(x), F.pad(x, [2] * 6, mode="reflect"))
    assert cajal.equal(cajal.nn.ReplicationPad2d((1, 0, 2, 3))(x[0]), F.pad(x[0], [1, 0, 2, 3], mode="replicate"))
    assert cajal.equal(cajal.nn.CircularPad1d(3)(x[0, 0]), F.pad(x[0, 0], [3, 3], mode="circular"))
    assert cajal.equal(cajal.nn.ConstantPad3d(1, 2.5)(x), F.pad(x, [1] * 6, value=2.5))
    assert cajal.nn.ZeroPad3d((1, 1, 0, 0, 2, 2))(x).shape == (1, 2, 8, 5, 8)
    with pytest.raises(RuntimeError, match=r"\[pad\] Argument #4: Padding size should be less than"):
        F.pad(x[0, 0], [6, 0], mode="reflect")
    with pytest.raises(RuntimeError, match=r"\[pad\] Padding value causes wrapping around more than once"):
        F.pad(x[0, 0], [7, 0], mode="circular")
    with pytest.raises(NotImplementedError, match=r"\[pad\] .*reflect padding of 1 dims needs a 2D or 3D input"):
        F.pad(x, [1, 1], mode="reflect")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        cajal.nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose2d'):
        cajal.nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
