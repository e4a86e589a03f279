"""The kernels are built three times (baseline x86-64, AVX2, AVX-512) and the
best one the CPU supports is chosen at load. Every set must give the same
bits: the arithmetic is never fused, and vector math is the same algorithm."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROGRAM = r"""
import hashlib, cajal
cajal.manual_seed(3)
x = cajal.randn(1003, 37) * 30
y = cajal.rand(37) + 0.5
parts = [x + y, x * y, x / y, x.exp(), (x * x + 1e-3).log(), x.tanh(), x.sigmoid(), x.relu(), x.sqrt(),
         x.t().exp(), x.sum(0), x.sum(1), x.mean(), (x > 0), x ** 2, x.t().contiguous(),
         x.softmax(1), x.log_softmax(0), x.logsumexp(1), x[:, :5].softmax(1)]
digest = hashlib.sha256()
for p in parts:
    digest.update(p.contiguous().numpy().tobytes())
print(cajal._ffi.lib.cajal_kernel_isa().decode(), digest.hexdigest())
"""


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def run(isa):
    env = dict(os.environ, CAJAL_KERNELS=isa, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_every_kernel_set_gives_the_same_bits():
    flags = cpu_flags()
    sets = ["baseline"]
    if {"avx2", "fma"} <= flags:
        sets.append("avx2")
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= flags:
        sets.append("avx512")
    if len(sets) == 1:
        pytest.skip("this CPU runs only the baseline kernel set: there is no second set to compare with")
    results = {isa: run(isa) for isa in sets}
    for isa, (name, _) in results.items():
        assert name == isa, f"asked for {isa}, got {name}"
    assert len({digest for _, digest in results.values()}) == 1, results


def test_the_best_set_is_the_default():
    flags = cpu_flags()
    expected = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "baseline"
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    env.pop("CAJAL_KERNELS", None)
    out = subprocess.run([sys.executable, "-c", "import cajal; print(cajal._ffi.lib.cajal_kernel_isa().decode())"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == expected


def test_every_kernel_source_is_linked_into_each_instruction_set():
    base = os.path.join(ROOT, "Sources", "CajalKernels")
    sources = sorted(f for f in os.listdir(base) if f.endswith(".swift"))
    for twin in ("CajalKernelsAVX2", "CajalKernelsAVX512"):
        folder = os.path.join(ROOT, "Sources", twin)
        assert sorted(os.listdir(folder)) == sources, f"{twin} must hold a symlink for each file of CajalKernels"
        for name in sources:
            path = os.path.join(folder, name)
            assert os.path.islink(path) and os.readlink(path) == os.path.join("..", "CajalKernels", name)


BLAS_PROGRAM = r"""
import ctypes, cajal
a = cajal.ones(70, 50) @ cajal.ones(50, 30)
assert a.sum().item() == 70 * 30 * 50
getenv = ctypes.CDLL(None).getenv
getenv.restype = ctypes.c_char_p
print(cajal.backends.cpu.get_blas_core(), getenv(b"OPENBLAS_CORETYPE"))
"""


def blas_run(**env_vars):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    env.pop("CAJAL_BLAS_CORETYPE", None)
    env.pop("OPENBLAS_CORETYPE", None)
    env.update(env_vars)
    out = subprocess.run([sys.executable, "-c", BLAS_PROGRAM], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


AVX512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}


def test_openblas_gets_its_avx512_kernels_when_the_cpu_runs_them():
    # An inherited OPENBLAS_CORETYPE=Haswell (set machine-wide on some hosts)
    # neither holds the engine back nor leaks out changed.
    core, inherited = blas_run(OPENBLAS_CORETYPE="Haswell")
    if AVX512 <= cpu_flags():
        assert core == "SkylakeX"
    else:
        assert core != "SkylakeX"
    assert inherited == "b'Haswell'"
    assert blas_run()[1] == "None"


def test_a_requested_openblas_kernel_is_honoured_only_if_the_cpu_runs_it():
    flags = cpu_flags()
    if {"avx2", "fma"} <= flags:
        assert blas_run(CAJAL_BLAS_CORETYPE="Haswell")[0] == "Haswell"
    core = blas_run(CAJAL_BLAS_CORETYPE="SkylakeX")[0]
    assert (core == "SkylakeX") == (AVX512 <= flags)
    # An unknown name falls back to the engine's own choice.
    assert blas_run(CAJAL_BLAS_CORETYPE="Pentium9000")[0] == blas_run()[0]
