"""Extreme integers and requests beyond memory raise clear exceptions that name
the op and the argument; the process lives on (issue: never crash the host).
Each call here killed the interpreter with a Swift trap before the integer
arguments were bounded where they enter the engine."""

import math
import os
import subprocess
import sys

import pytest

import cajal
import cajal.nn.functional as F
from cajal import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_calls_that_used_to_crash():
    with pytest.raises(ValueError, match=r"\[one_hot\] class value 9223372036854775807 is too large"):
        F.one_hot(cajal.tensor([2**63 - 1]))
    with pytest.raises(ValueError, match=r"\[conv2d\] padding 4611686018427387904 is too large"):
        F.conv2d(cajal.zeros(1, 1, 3, 3), cajal.zeros(1, 1, 1, 1), padding=2**62)
    with pytest.raises(ValueError, match=r"\[max_pool2d\] dilation 4611686018427387904 is too large"):
        F.max_pool2d(cajal.zeros(1, 1, 4, 4), 3, dilation=2**62)
    with pytest.raises(cajal.OutOfMemoryError, match=r"\[interpolate\] cannot allocate \d+ bytes"):
        F.interpolate(cajal.zeros(1, 1, 4), size=2**40)
    with pytest.raises(ValueError, match=r"\[diag\] diagonal 9223372036854775807 is too large"):
        cajal.ones(3).diag(2**63 - 1)
    assert (cajal.ones(2, 2) @ cajal.ones(2, 2)).tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_integers_beyond_int64_raise_overflow_error_instead_of_wrapping():
    # ctypes would silently keep the low 64 bits: zeros(2**64 + 3) had 3 elements.
    for call in [lambda: cajal.zeros(2**64 + 3), lambda: cajal.ones(2, 3).sum(2**64 + 1),
                 lambda: cajal.ones(3)[2**64], lambda: cajal.full((2,), 2**64), lambda: cajal.ones(3) + 2**64,
                 lambda: cajal.ones(3, dtype=cajal.int64) * -(2**64), lambda: cajal.ones(3).pow(2**70),
                 lambda: cajal.ones(2, 3).transpose(0, 2**63),
                 lambda: cajal.ones(4).narrow(0, 2**64, 1), lambda: cajal.randint(0, 2**64, (2,)),
                 lambda: cajal.set_num_threads(2**40), lambda: cajal.ones(2, 2).reshape(2**64 + 2, 2)]:
        with pytest.raises(OverflowError, match="does not fit in int"):
            call()
    # Slice bounds clamp, as Python's slicing does (and torch's).
    assert cajal.arange(5)[1:2**70].tolist() == [1, 2, 3, 4]
    assert cajal.arange(5)[-(2**70):3].tolist() == [0, 1, 2] and cajal.arange(5)[2**70:].tolist() == []
    # The edges themselves still work.
    assert cajal.tensor([2**63 - 1, -(2**63)]).tolist() == [2**63 - 1, -(2**63)]
    assert (cajal.zeros(2, dtype=cajal.int64) + (2**63 - 1)).tolist() == [2**63 - 1] * 2


@pytest.mark.parametrize("call, op, argument", [
    (lambda: F.conv1d(cajal.zeros(1, 1, 3), cajal.zeros(1, 1, 1), stride=2**40), "conv1d", "stride"),
    (lambda: F.conv2d(cajal.zeros(1, 1, 3, 3), cajal.zeros(1, 1, 1, 1), dilation=(1, 2**31)), "conv2d", "dilation"),
    (lambda: F.conv2d(cajal.zeros(1, 2, 3, 3), cajal.zeros(2, 1, 1, 1), groups=2**62), "conv2d", "groups"),
    (lambda: F.conv_transpose2d(cajal.zeros(1, 1, 2, 2), cajal.zeros(1, 1, 1, 1), output_padding=2**40),
     "conv_transpose2d", "output_padding"),
    (lambda: F.conv_transpose2d(cajal.zeros(1, 1, 2, 2), cajal.zeros(1, 1, 1, 1), stride=2**31), "conv_transpose2d", "stride"),
    (lambda: F.avg_pool2d(cajal.zeros(1, 1, 4, 4), 2**31), "avg_pool2d", "kernel_size"),
    (lambda: F.max_pool1d(cajal.zeros(1, 1, 4), 2, padding=-(2**40)), "max_pool1d", "padding"),
    (lambda: F.adaptive_max_pool2d(cajal.zeros(1, 1, 4, 4), 2**60), "adaptive_max_pool2d", "output_size"),
    (lambda: F.adaptive_avg_pool1d(cajal.zeros(1, 1, 4), 2**60), "adaptive_avg_pool1d", "output_size"),
    (lambda: F.pixel_shuffle(cajal.zeros(1, 4, 2, 2), 2**40), "pixel_shuffle", "upscale_factor"),
    (lambda: F.pad(cajal.zeros(2), (2**60, 0)), "pad", "padding"),
    (lambda: F.interpolate(cajal.zeros(1, 1, 4), size=2**60), "interpolate", "size"),
    (lambda: cajal.ones(2, 2).diagonal(-(2**62)).sum() + cajal.ones(3).diag(-(2**62)), "diag", "diagonal"),
    (lambda: nn.LSTM(2, 3, num_layers=2**40)(cajal.zeros(1, 1, 2)), "rnn", ""),
])
def test_geometry_beyond_its_bound_names_the_op_and_the_argument(call, op, argument):
    with pytest.raises((ValueError, RuntimeError)) as raised:
        call()
    assert f"[{op}]" in str(raised.value) and argument in str(raised.value), str(raised.value)


def test_products_that_overflow_are_refused_with_the_quantity_named():
    # Each factor is within its bound; their product is not. (An expanded
    # weight has a kernel of 2^40 taps without the memory behind it.)
    weight = cajal.zeros(1, 1, 1, 1).expand(1, 1, 1, 2**40)
    with pytest.raises(ValueError, match=r"\[conv2d\] dilation 2147483647 with kernel size 1099511627776 is too large"):
        F.conv2d(cajal.zeros(1, 1, 3, 3), weight, dilation=2**31 - 1)
    with pytest.raises((ValueError, cajal.OutOfMemoryError)):
        cajal.zeros(1).expand(2**40, 1) + cajal.zeros(1).expand(1, 2**40)
    with pytest.raises(ValueError, match=r"\[split\] the split_sizes .* is too large"):
        cajal.ones(4).split([2**62, 2**62, 2**62, 4])


def test_huge_windows_over_small_inputs_are_fast_and_right():
    # A kernel far larger than the padded input only visits the input's taps:
    # one window that covers everything gives the global max.
    x = cajal.randn(1, 1, 5, 7)
    out = F.max_pool2d(x, kernel_size=2**20, stride=1, padding=2**19)  # (5 + 2^20 - 2^20) + 1 rows
    assert out.shape == (1, 1, 6, 8)
    assert set(out.reshape(-1).tolist()) == {x.max().item()}
    # Windows that hang over the edges, against the definition.
    x = cajal.randn(1, 1, 7, 9)
    grid = x[0, 0].tolist()
    for k, s, p, d in [(3, 2, 1, 2), (2, 1, 1, 3), (4, 3, 2, 1), (3, 1, 1, 4)]:
        out = F.max_pool2d(x, k, stride=s, padding=p, dilation=d)[0, 0].tolist()
        for oy, row in enumerate(out):
            for ox, value in enumerate(row):
                taps = [grid[oy * s - p + i * d][ox * s - p + j * d] for i in range(k) for j in range(k)
                        if 0 <= oy * s - p + i * d < 7 and 0 <= ox * s - p + j * d < 9]
                assert value == max(taps), (k, s, p, d, oy, ox)


def test_requests_beyond_memory_raise_out_of_memory_naming_the_size():
    available = cajal.backends.cpu.memory_available()
    assert available > 0
    # float32 elements for twice the memory there is: a margin against other
    # processes freeing memory between this read and the request.
    n = available // 2
    with pytest.raises(cajal.OutOfMemoryError, match=rf"\[full\] cannot allocate {4 * n} bytes") as raised:
        cajal.zeros(n)
    assert isinstance(raised.value, RuntimeError) and isinstance(raised.value, MemoryError)
    with pytest.raises(cajal.OutOfMemoryError, match=r"\[contiguous\] cannot allocate"):
        cajal.zeros(1).expand(n).contiguous()
    with pytest.raises(cajal.OutOfMemoryError, match=r"cannot allocate"):
        cajal.ones(2**20, 1) @ cajal.ones(1, 2**20)  # a 4 TiB product
    with pytest.raises(cajal.OutOfMemoryError, match=r"\[tolist\]"):
        cajal.zeros(1).expand(2**40).tolist()
    with pytest.raises(cajal.OutOfMemoryError, match=r"\[clones\]"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, dim_feedforward=8), num_layers=2**40)
    assert cajal.ones(3).sum().item() == 3.0


def test_the_memory_limit_variable_caps_what_tensors_may_hold():
    program = ("import cajal\n"
               "a = cajal.zeros(10_000_000)\n"
               "print(cajal.backends.cpu.memory_available())\n"
               "try:\n    cajal.zeros(20_000_000)\nexcept cajal.OutOfMemoryError as e:\n    print('refused', e)\n")
    env = dict(os.environ, CAJAL_MEMORY_LIMIT="100M", PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert int(lines[0]) <= 100 * 2**20 - 40_000_000
    assert lines[1].startswith("refused [full] cannot allocate 80000000 bytes")


def test_python_loops_over_user_counts_are_checked_before_they_start():
    # Without the check these ran until the system killed the process.
    with pytest.raises(cajal.OutOfMemoryError, match=r"\[rnn\]"):
        nn.GRU(4, 8, num_layers=2**51)
    with pytest.raises(cajal.OutOfMemoryError, match=r"\[clones\]"):
        nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, dim_feedforward=8), num_layers=2**62)
    assert len(nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, dim_feedforward=8), num_layers=2).layers) == 2


def test_ops_the_kernels_lack_for_a_dtype_are_refused_not_left_unwritten():
    # pow of two bools used to return an output the kernel never wrote: garbage
    # bool bytes, undefined in every later kernel. torch raises NotImplementedError.
    b = cajal.tensor([True, False])
    for call in [lambda: b ** b, lambda: cajal.fmod(b, b), lambda: cajal.remainder(b, b)]:
        with pytest.raises(NotImplementedError, match="not implemented for 'bool'"):
            call()
    assert (b ** 2).tolist() == [1, 0]
    import numpy as np
    with pytest.raises(ValueError, match=r"\[from_blob\] bool memory must hold 0 or 1 bytes, found 2"):
        cajal.from_numpy(np.frombuffer(bytes([0, 1, 2]), dtype=np.uint8).copy().view(np.bool_))
