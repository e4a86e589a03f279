"""cajal against real PyTorch, side by side in one process: per-op overhead,
elementwise ops and reductions, matmul (also against raw cblas_sgemm and the
best OpenBLAS kernel of this CPU), convolutions, sequence layers, whole
training steps with data loading, and startup. Both libraries get the same
data and the same initial weights. Ratio = cajal time / torch time (below 1:
cajal is faster). Without torch installed, cajal's figures are printed alone.

    make bench          # full run, three rounds, writes benchmarks/RESULTS.md
    make bench-quick    # fewer repeats (< 2 min), prints the ratios only
    python benchmarks/compare.py [--quick] [--only SECTION ...]
"""

import argparse
import ctypes
import os
import platform
import itertools
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import cajal  # noqa: E402
from timing import compare  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

LIBS = {"cajal": cajal, "torch": torch} if torch else {"cajal": cajal}


class Suite:
    """Collects rows of (section, workload, seconds per library, extra columns)."""

    def __init__(self, quick):
        self.quick = quick
        self.rows = []

    def time(self, section, label, make, repeats, inner=1, rounds=None, **extra):
        """Times make(name, lib) for each library and records a row."""
        contenders = {name: make(name, lib) for name, lib in LIBS.items()}
        rounds = rounds or (1 if self.quick else 2)
        times = compare(contenders, max(2, repeats // 4) if self.quick else repeats, inner, rounds=rounds)
        self.add(section, label, times, **extra)
        return times

    def add(self, section, label, times, **extra):
        self.rows.append((section, label, times, extra))
        ratio = f"{times['cajal'] / times['torch']:.2f}" if "torch" in times else "-"
        shown = "  ".join(f"{name} {t:.0f} MB" if extra.get("unit") == "MB" else f"{name} {fmt_time(t)}"
                          for name, t in times.items())
        print(f"[{section}] {label}: {shown}  ratio {ratio}", flush=True)


def fmt_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def same_weights(source, target):
    """Copies a torch module's state into the cajal twin."""
    target.load_state_dict({k: cajal.tensor(v.detach().numpy()) for k, v in source.state_dict().items()})


def models(build):
    """The same architecture in each library, cajal's with torch's initial weights."""
    built = {name: build(lib) for name, lib in LIBS.items()}
    if torch:
        same_weights(built["torch"], built["cajal"])
    return built


def forever(loader):
    """Batches from a DataLoader, epoch after epoch (a new shuffle each epoch)."""
    while True:
        yield from loader


# ---------------------------------------------------------------- per-op overhead

def bench_overhead(suite):
    def add(name, lib):
        x, y = lib.ones(10), lib.ones(10)
        return lambda: x + y

    def matmul(name, lib):
        x, y = lib.ones(64, 64), lib.ones(64, 64)
        return lambda: x @ y

    suite.time("overhead", "add, 10 elements", add, 15, inner=2000)
    suite.time("overhead", "matmul 64x64", matmul, 15, inner=500)


# ---------------------------------------------------------------- elementwise and reductions

def bench_elementwise(suite):
    rng = np.random.default_rng(0)
    for side in (1024, 4096):
        a = rng.standard_normal((side, side), dtype=np.float32)
        b = rng.standard_normal((side, side), dtype=np.float32)
        n = f"{side * side // (1 << 20)}M"
        repeats = 21 if side == 1024 else 7
        for layout in ("contiguous", "transposed"):
            def operands(lib):
                x, y = lib.from_numpy(a), lib.from_numpy(b)
                return (x.t(), y.t()) if layout == "transposed" else (x, y)

            ops = {"x + y": lambda x, y: x + y, "x * 2.5": lambda x, y: x * 2.5, "exp(x)": lambda x, y: x.exp(),
                   "relu(x)": lambda x, y: x.relu(), "sum(x)": lambda x, y: x.sum(),
                   "sum(x, dim=1)": lambda x, y: x.sum(1), "amax(x, dim=0)": lambda x, y: x.amax(0)}
            for label, op in ops.items():
                def make(name, lib, op=op):
                    x, y = operands(lib)
                    return lambda: op(x, y)
                suite.time("elementwise", f"{label}, {n} {layout}", make, repeats)


# ---------------------------------------------------------------- matmul

def openblas_sgemm():
    """cblas_sgemm of the OpenBLAS already loaded in this process by cajal
    (dlopen hands back the same library, so the same kernels)."""
    cajal.ones(2, 2) @ cajal.ones(2, 2)  # makes cajal load OpenBLAS first
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
    except OSError:
        return None
    f = lib.cblas_sgemm
    f.restype = None
    f.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                       ctypes.c_float, ctypes.c_void_p, ctypes.c_int]
    return lambda a, b, c, n: f(101, 111, 111, n, n, n, 1.0, a.ctypes.data, n, b.ctypes.data, n, 0.0, c.ctypes.data, n)


KERNEL_SWEEP = r"""
import ctypes, sys, time, numpy as np
lib = ctypes.CDLL("libopenblas.so.0")
f = lib.cblas_sgemm
f.restype = None
f.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                   ctypes.c_float, ctypes.c_void_p, ctypes.c_int]
for n in map(int, sys.argv[1:]):
    a = np.random.rand(n, n).astype(np.float32); b = a.copy(); c = a.copy()
    reps = max(3, int(1e9 / (2 * n ** 3)))
    best = 1e9
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            f(101, 111, 111, n, n, n, 1, a.ctypes.data, n, b.ctypes.data, n, 0, c.ctypes.data, n)
        best = min(best, (time.perf_counter() - t) / reps)
    print(n, 2 * n ** 3 / best / 1e9)
"""


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            return set(next(line for line in f if line.startswith("flags")).split(":", 1)[1].split())
    except (OSError, StopIteration):
        return set()


def best_openblas_kernel(sizes):
    """GFLOPS of raw cblas_sgemm under each OpenBLAS kernel this CPU runs, in
    fresh processes (OpenBLAS picks its kernel once, when it loads)."""
    flags = cpu_flags()
    kernels = [k for k, need in (("Haswell", {"avx2", "fma"}),
                                 ("SkylakeX", {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}),
                                 ("Cooperlake", {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
                                                 "avx512_bf16"})) if need <= flags]
    best = {}
    for kernel in kernels:
        out = subprocess.run([sys.executable, "-c", KERNEL_SWEEP, *map(str, sizes)], capture_output=True, text=True,
                             env=dict(os.environ, OPENBLAS_CORETYPE=kernel))
        for line in out.stdout.split("\n"):
            if line:
                n, gflops = line.split()
                if float(gflops) > best.get(int(n), (0, ""))[0]:
                    best[int(n)] = (float(gflops), kernel)
    return best


def bench_matmul(suite):
    sizes = [64, 256, 1024, 2048]
    sgemm = openblas_sgemm()
    best = {} if suite.quick else best_openblas_kernel(sizes)
    rng = np.random.default_rng(1)
    for n in sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        contenders = {}
        for name, lib in LIBS.items():
            x, y = lib.from_numpy(a), lib.from_numpy(b)
            contenders[name] = (lambda x, y: lambda: x @ y)(x, y)
        if sgemm:
            contenders["cblas"] = lambda: sgemm(a, b, c, n)
        repeats = 30 if n <= 256 else 9 if n == 1024 else 5
        inner = 50 if n == 64 else 5 if n == 256 else 1
        times = compare(contenders, max(3, repeats // 3) if suite.quick else repeats, inner, rounds=2)
        gflops = {name: 2 * n ** 3 / t / 1e9 for name, t in times.items()}
        if n in best:
            gflops["best kernel"], kernel = best[n]
            gflops["kernel"] = kernel
        suite.add("matmul", f"{n}x{n} float32", {k: v for k, v in times.items() if k != "cblas"}, gflops=gflops)


# ---------------------------------------------------------------- convolution and sequence layers

def bench_layers(suite):
    rng = np.random.default_rng(2)

    def conv(batch, cin, cout, kernel, side, padding):
        x = rng.standard_normal((batch, cin, side, side), dtype=np.float32)

        def make(name, lib):
            layer = built[name]
            xs = lib.from_numpy(x).requires_grad_()

            def step():
                layer.zero_grad()
                xs.grad = None
                layer(xs).sum().backward()
            return step

        built = models(lambda lib: lib.nn.Conv2d(cin, cout, kernel, padding=padding))
        return make

    suite.time("layers", "Conv2d 1->6 5x5 pad 2, 64x1x28x28 (LeNet conv1), fwd+bwd", conv(64, 1, 6, 5, 28, 2), 30)
    suite.time("layers", "Conv2d 6->16 5x5, 64x6x14x14 (LeNet conv2), fwd+bwd", conv(64, 6, 16, 5, 14, 0), 30)
    suite.time("layers", "Conv2d 64->64 3x3 pad 1, 32x64x64x64, fwd+bwd", conv(32, 64, 64, 3, 64, 1), 6)

    def sequence(build, x):
        built = models(build)

        def make(name, lib):
            model, xs = built[name], lib.from_numpy(x)

            def step():
                model.zero_grad()
                out = model(xs)
                (out[0] if isinstance(out, tuple) else out).sum().backward()
            return step
        return make

    x = rng.standard_normal((32, 100, 64), dtype=np.float32)
    suite.time("layers", "LSTM 2 layers, input 64, hidden 64, seq 100, batch 32, fwd+bwd",
               sequence(lambda lib: lib.nn.LSTM(64, 64, num_layers=2, batch_first=True), x), 15)
    x = rng.standard_normal((32, 64, 128), dtype=np.float32)
    suite.time("layers", "TransformerEncoderLayer d_model 128, 4 heads, ff 512, seq 64, batch 32, fwd+bwd",
               sequence(lambda lib: lib.nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, batch_first=True), x), 15)


# ---------------------------------------------------------------- whole training steps

def training_step(built, arrays, batch_size, loss_fn, lr=1e-3):
    """make(name, lib) for one step: next batch from a shuffled DataLoader,
    forward, loss, backward, Adam."""
    def make(name, lib):
        model = built[name]
        lib.manual_seed(0)
        dataset = lib.utils.data.TensorDataset(*[lib.from_numpy(a) for a in arrays])
        batches = forever(lib.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True, drop_last=True))
        optimizer = lib.optim.Adam(model.parameters(), lr=lr)
        criterion = loss_fn(lib)

        def step():
            x, y = next(batches)
            optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()
        return step
    return make


def bench_training(suite):
    from sklearn.datasets import load_breast_cancer, load_digits

    # The tumour MLP on the Wisconsin breast-cancer data (standardised).
    cancer = load_breast_cancer()
    x = ((cancer.data - cancer.data.mean(0)) / cancer.data.std(0)).astype(np.float32)
    y = cancer.target.astype(np.float32)[:, None]

    def mlp(lib):
        lib.manual_seed(0)
        nn = lib.nn
        return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    suite.time("training", "tumour MLP 30-64-32-1, batch 64, Adam", training_step(
        models(mlp), (x, y), 64, lambda lib: lib.nn.BCEWithLogitsLoss()), 40, inner=20)

    # LeNet-5 on scikit-learn's handwritten digits, each 8x8 pixel a 3x3
    # block, padded to 28x28.
    digits = load_digits()
    images = np.kron(digits.images / 16.0, np.ones((3, 3)))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))[:, None].astype(np.float32)
    labels = digits.target.astype(np.int64)

    def lenet(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                             nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                             nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    suite.time("training", "LeNet-5 on digits 1x28x28, batch 64, Adam", training_step(
        models(lenet), (images, labels), 64, lambda lib: lib.nn.CrossEntropyLoss()), 30, inner=3)

    # An ECG-like LSTM classifier: 2 layers, hidden 64, 100 steps, batch 32.
    rng = np.random.default_rng(3)
    t = np.linspace(0, 4 * np.pi, 100, dtype=np.float32)
    classes = rng.integers(0, 3, size=512)
    signals = np.sin(t[None] * (1 + classes[:, None])) + 0.3 * rng.standard_normal((512, 100))
    signals = signals.astype(np.float32)[:, :, None]

    def lstm_classifier(lib):
        nn = lib.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(1, 64, num_layers=2, batch_first=True)
                self.head = nn.Linear(64, 3)

            def forward(self, x):
                out, _ = self.lstm(x)
                return self.head(out[:, -1])
        return Net()

    suite.time("training", "LSTM classifier 2x64, seq 100, batch 32, Adam", training_step(
        models(lstm_classifier), (signals, classes.astype(np.int64)), 32,
        lambda lib: lib.nn.CrossEntropyLoss()), 15)

    # A small transformer on DNA: 4-letter tokens, 2 encoder layers, d_model 128.
    tokens = rng.integers(0, 4, size=(512, 64)).astype(np.int64)
    motif = (tokens[:, 10:14] == np.array([0, 1, 2, 3])).all(1) | (rng.random(512) < 0.5)

    def transformer(lib):
        nn = lib.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = nn.Embedding(4, 128)
                self.position = nn.Parameter(lib.zeros(1, 64, 128))
                layer = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.1, batch_first=True)
                self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
                self.head = nn.Linear(128, 2)

            def forward(self, x):
                return self.head(self.encoder(self.embed(x) + self.position).mean(1))
        return Net()

    suite.time("training", "transformer classifier, 2 layers d128, seq 64, batch 32, Adam", training_step(
        models(transformer), (tokens, motif.astype(np.int64)), 32, lambda lib: lib.nn.CrossEntropyLoss()), 15)


# ---------------------------------------------------------------- course-style models

def inference(built, batch):
    """make(name, lib) for one eval-mode forward under no_grad."""
    def make(name, lib):
        model = built[name].eval()
        x = lib.from_numpy(batch)

        def step():
            with lib.no_grad():
                model(x)
        return step
    return make


def bench_course(suite):
    """Models as students write them (benchmarks/course_models.py): attention by
    hand and through TransformerEncoderLayer with a padding mask, a small
    U-Net; training steps and eval-mode inference."""
    import course_models as cm
    from sklearn.datasets import load_breast_cancer, load_digits

    rng = np.random.default_rng(5)
    tokens, labels = cm.dna_data(rng)
    images, masks = cm.segmentation_data(rng)
    ce = lambda lib: lib.nn.CrossEntropyLoss()  # noqa: E731
    hand = models(lambda lib: (lib.manual_seed(0), cm.hand_attention(lib))[1])
    suite.time("course", "hand-written attention DNA classifier d32 4 heads 2 layers, seq 30, batch 64: train",
               training_step(hand, (tokens, labels), 64, ce), 20, inner=2)
    encoder = models(lambda lib: (lib.manual_seed(0), cm.encoder_classifier(lib))[1])
    suite.time("course", "TransformerEncoderLayer DNA classifier d32 ff64 2 layers, padding mask, batch 64: train",
               training_step(encoder, (tokens, labels), 64, ce), 20, inner=2)
    unet = models(lambda lib: (lib.manual_seed(0), cm.small_unet(lib))[1])
    suite.time("course", "U-Net 16-32-64 on 1x32x32, BatchNorm, batch 32: train",
               training_step(unet, (images, masks), 32, lambda lib: lib.nn.BCEWithLogitsLoss()), 10)

    suite.time("course", "hand-written attention: eval forward, batch 64", inference(hand, tokens[:64]), 30, inner=3)
    suite.time("course", "TransformerEncoderLayer classifier: eval forward, batch 64", inference(encoder, tokens[:64]),
               30, inner=3)
    suite.time("course", "U-Net: eval forward, batch 8", inference(unet, images[:8]), 20, inner=2)

    cancer = load_breast_cancer()
    x = ((cancer.data - cancer.data.mean(0)) / cancer.data.std(0)).astype(np.float32)
    mlp = models(lambda lib: (lib.manual_seed(0), lib.nn.Sequential(
        lib.nn.Linear(30, 64), lib.nn.ReLU(), lib.nn.Linear(64, 32), lib.nn.ReLU(), lib.nn.Linear(32, 1)))[1])
    suite.time("course", "tumour MLP: eval forward, batch 16", inference(mlp, x[:16]), 40, inner=50)
    digits = load_digits()
    pictures = np.pad(np.kron(digits.images / 16.0, np.ones((3, 3))), ((0, 0), (2, 2), (2, 2)))[:16, None]

    def lenet(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                             nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                             nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    suite.time("course", "LeNet-5: eval forward, batch 16", inference(models(lenet), pictures.astype(np.float32)),
               40, inner=10)


# ---------------------------------------------------------------- captured steps

def captured_steps(build, batches, loss_fn):
    """Four contenders for one training step (forward, loss, backward, Adam) on
    batches prepared in advance: each library eager, and each compiled
    (cajal.compile, torch.compile), with the seconds the first three compiled
    calls took (cajal: an eager warm-up, then the trace; torch: its compile)."""
    contenders, compile_seconds = {}, {}
    for name, lib in LIBS.items():
        for compiled in (False, True):
            lib.manual_seed(0)
            model = build(lib)
            optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
            criterion = loss_fn(lib)
            data = [tuple(lib.from_numpy(a) for a in batch) for batch in batches]

            def step(x, y, model=model, optimizer=optimizer, criterion=criterion):
                optimizer.zero_grad()
                loss = criterion(model(x), y)
                loss.backward()
                optimizer.step()
                return loss
            key = name
            if compiled:
                key = "cajal" if name == "cajal" else "torch.compile"
                try:
                    step = lib.compile(step)
                    start = time.perf_counter()
                    for i in range(3):
                        step(*data[i % len(data)])
                    compile_seconds[key] = time.perf_counter() - start
                except Exception as error:  # torch.compile needs a working inductor toolchain
                    print(f"[compiled] {name}.compile failed: {type(error).__name__}: {error}", flush=True)
                    continue
            else:
                key = "cajal eager" if name == "cajal" else "torch"
            contenders[key] = (lambda step, data: (lambda: step(*data[next(counter) % len(data)])))(step, data)
    return contenders, compile_seconds


counter = itertools.count()


def bench_compiled(suite):
    """cajal.compile against eager torch (the ratio) and torch.compile."""
    import course_models as cm
    from sklearn.datasets import load_breast_cancer, load_digits

    rng = np.random.default_rng(7)
    cancer = load_breast_cancer()
    x = ((cancer.data - cancer.data.mean(0)) / cancer.data.std(0)).astype(np.float32)
    y = cancer.target.astype(np.float32)[:, None]
    picks = [rng.choice(len(x), 64, replace=False) for _ in range(8)]
    workloads = [("tumour MLP 30-64-32-1, batch 64, Adam",
                  lambda lib: lib.nn.Sequential(lib.nn.Linear(30, 64), lib.nn.ReLU(), lib.nn.Linear(64, 32),
                                                lib.nn.ReLU(), lib.nn.Linear(32, 1)),
                  [(x[p], y[p]) for p in picks], lambda lib: lib.nn.BCEWithLogitsLoss(), 300)]
    digits = load_digits()
    images = np.pad(np.kron(digits.images / 16.0, np.ones((3, 3))), ((0, 0), (2, 2), (2, 2)))[:, None]
    images = images.astype(np.float32)

    def lenet(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                             nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                             nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    workloads.append(("LeNet-5 on digits 1x28x28, batch 64, Adam", lenet,
                      [(images[p], digits.target[p].astype(np.int64)) for p in picks],
                      lambda lib: lib.nn.CrossEntropyLoss(), 60))
    tokens, labels = cm.dna_data(rng)
    workloads.append(("TransformerEncoderLayer DNA classifier d32 ff64 2 layers, padding mask, batch 64",
                      cm.encoder_classifier, [(tokens[64 * i:64 * i + 64], labels[64 * i:64 * i + 64]) for i in range(8)],
                      lambda lib: lib.nn.CrossEntropyLoss(), 30))
    for label, build, batches, loss_fn, repeats in workloads:
        contenders, compile_seconds = captured_steps(build, batches, loss_fn)
        repeats = max(2, repeats // 4) if suite.quick else repeats
        times = compare(contenders, repeats, 1, rounds=1 if suite.quick else 2)
        suite.add("compiled", label, times, compile_seconds=compile_seconds)


# ---------------------------------------------------------------- startup

def bench_volumes(suite):
    """A 3-d convolution of a CT-sized volume (1x16x64x64x64, 16 -> 16 channels, 3x3x3, padding 1): time, and
    the peak resident memory of one forward+backward in a fresh process for each library (cajal makes its
    column matrix a few output planes at a time; whole, it would be 453 MB)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 16, 64, 64, 64), dtype=np.float32)
    built = models(lambda lib: lib.nn.Conv3d(16, 16, 3, padding=1))

    def forward(name, lib):
        layer, xs = built[name], lib.from_numpy(x)

        def step():
            with lib.no_grad():
                layer(xs)
        return step

    def training(name, lib):
        layer, xs = built[name], lib.from_numpy(x).requires_grad_()

        def step():
            layer.zero_grad()
            xs.grad = None
            layer(xs).sum().backward()
        return step

    suite.time("volumes", "Conv3d 16->16 3x3x3 pad 1, 1x16x64x64x64, forward", forward, 6)
    suite.time("volumes", "Conv3d 16->16 3x3x3 pad 1, 1x16x64x64x64, fwd+bwd", training, 4)
    code = ("import numpy as np, {0} as lib\n"
            "def hwm():\n"
            "    return int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]) / 1024\n"
            "layer = lib.nn.Conv3d(16, 16, 3, padding=1)\n"
            "x = lib.from_numpy(np.random.default_rng(3).standard_normal((1, 16, 64, 64, 64), dtype=np.float32))\n"
            "x.requires_grad_()\n"
            "before = hwm()\n"
            "layer(x).sum().backward()\n"
            "print(before, hwm())\n")
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(HERE), "python"))
    peaks = {}
    for name in LIBS:
        before, after = (float(v) for v in subprocess.run([sys.executable, "-c", code.format(name)], capture_output=True,
                                                           text=True, env=env, check=True).stdout.split())
        peaks[name] = after - before
    suite.add("volumes", "peak RSS growth of one Conv3d fwd+bwd (MB; input 16 MB, output 16 MB)", peaks, unit="MB")

    # A Segment-Anything-style ViT's attention weights: softmax over 12 heads of 4096 x 4096 scores.
    scores = rng.standard_normal((12, 4096, 4096), dtype=np.float32)

    def softmax(name, lib):
        xs = lib.from_numpy(scores)

        def step():
            with lib.no_grad():
                lib.softmax(xs, dim=-1)
        return step
    suite.time("volumes", "softmax over 12x4096x4096 (SAM ViT attention), dim -1", softmax, 3)
    del scores
    code = ("import numpy as np, {0} as lib\n"
            "def hwm():\n"
            "    return int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]) / 1024\n"
            "x = lib.from_numpy(np.random.default_rng(3).standard_normal((12, 4096, 4096), dtype=np.float32))\n"
            "before = hwm()\n"
            "y = lib.softmax(x, dim=-1)\n"
            "print(before, hwm())\n")
    peaks = {}
    for name in LIBS:
        before, after = (float(v) for v in subprocess.run([sys.executable, "-c", code.format(name)], capture_output=True,
                                                           text=True, env=env, check=True).stdout.split())
        peaks[name] = after - before
    suite.add("volumes", "peak RSS growth of that softmax (MB; input 805 MB, output 805 MB)", peaks, unit="MB")


def bench_startup(suite):
    """Wall time of `import` and resident memory after it, in fresh interpreters."""
    code = ("import time; t = time.perf_counter(); import {0}; dt = time.perf_counter() - t; "
            "rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]; "
            "print(dt, int(rss) / 1024)")
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(HERE), "python"))
    seconds, megabytes = {}, {}
    for name in LIBS:
        samples = [subprocess.run([sys.executable, "-c", code.format(name)], capture_output=True, text=True,
                                  env=env, check=True).stdout.split() for _ in range(3 if suite.quick else 7)]
        seconds[name] = statistics.median(float(s[0]) for s in samples)
        megabytes[name] = statistics.median(float(s[1]) for s in samples)
    suite.add("startup", "import wall time", seconds, rss_mb=megabytes)


SECTIONS = {"overhead": bench_overhead, "elementwise": bench_elementwise, "matmul": bench_matmul,
            "layers": bench_layers, "volumes": bench_volumes, "training": bench_training, "course": bench_course,
            "compiled": bench_compiled,
            "startup": bench_startup}


# ---------------------------------------------------------------- report

def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line for line in f if line.startswith("model name")).split(":", 1)[1].strip()
    except (OSError, StopIteration):
        pass
    lines = [f"- machine: {model}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
             f"Python {platform.python_version()}",
             f"- cajal {cajal.__version__}: kernels {cajal.backends.cpu.get_cpu_capability()}, "
             f"BLAS {cajal.backends.cpu.get_blas_core()}, {cajal.get_num_threads()} threads"]
    if torch:
        lines.append(f"- torch {torch.__version__}, {torch.get_num_threads()} threads")
    else:
        lines.append("- torch: not installed (cajal's figures only)")
    return lines


def report(suite, command):
    lines = ["# cajal vs PyTorch", "", f"Command: `{command}`", ""] + machine()
    lines += ["- median of repeats, best of rounds; ratio = cajal time / torch time (below 1: cajal is faster); "
              "with --rounds (make bench: 3), the round with the median ratio, and in brackets the ratios' "
              "min-max over the rounds",
              "- matmul: raw cblas_sgemm is called through ctypes here (its small sizes include that call's "
              "overhead); the best-kernel column runs it under each OpenBLAS kernel the CPU supports, "
              "in fresh processes", ""]
    sections = {}
    for section, label, times, extra in suite.rows:
        sections.setdefault(section, []).append((label, times, extra))
    for section, rows in sections.items():
        lines += [f"## {section}", ""]
        if section == "matmul":
            lines += ["| size | cajal ms | torch ms | ratio | cajal GFLOPS | raw cblas_sgemm GFLOPS | "
                      "best OpenBLAS kernel GFLOPS | cajal / best |", "|---|---|---|---|---|---|---|---|"]
            for label, times, extra in rows:
                g = extra["gflops"]
                best = g.get("best kernel") or g.get("cblas")
                lines.append(f"| {label} | {times['cajal'] * 1e3:.3f} | {cell(times.get('torch'), 1e3, '.3f')} | "
                             f"{ratio(times, extra)} | {g['cajal']:.1f} | {cell(g.get('cblas'))} | "
                             f"{cell(g.get('best kernel'))} {('(' + g['kernel'] + ')') if 'kernel' in g else ''} | "
                             f"{g['cajal'] / best:.2f} |" if best else "-")
        elif section == "startup":
            lines += ["| | cajal | torch | ratio |", "|---|---|---|---|"]
            for label, times, extra in rows:
                mb = extra["rss_mb"]
                lines.append(f"| import wall time, ms | {times['cajal'] * 1e3:.0f} | "
                             f"{cell(times.get('torch'), 1e3, '.0f')} | {ratio(times, extra)} |")
                lines.append(f"| RSS after import, MB | {mb['cajal']:.0f} | {cell(mb.get('torch'), 1, '.0f')} | "
                             f"{ratio(mb)} |")
        elif section == "compiled":
            lines += ["| training step | cajal.compile ms | cajal eager ms | torch eager ms | torch.compile ms | "
                      "ratio (cajal.compile / torch eager) | first 3 calls: cajal.compile s | torch.compile s |",
                      "|---|---|---|---|---|---|---|---|"]
            for label, times, extra in rows:
                first = extra["compile_seconds"]
                lines.append(f"| {label} | {times['cajal'] * 1e3:.3f} | {cell(times.get('cajal eager'), 1e3, '.3f')} | "
                             f"{cell(times.get('torch'), 1e3, '.3f')} | {cell(times.get('torch.compile'), 1e3, '.3f')} | "
                             f"{ratio(times, extra)} | {cell(first.get('cajal'), 1, '.2f')} | "
                             f"{cell(first.get('torch.compile'), 1, '.1f')} |")
        elif section == "volumes":
            lines += ["| workload | cajal | torch | ratio |", "|---|---|---|---|"]
            for label, times, extra in rows:
                scale, spec, unit = (1, ".0f", " MB") if extra.get("unit") == "MB" else (1e3, ".1f", " ms")
                lines.append(f"| {label} | {times['cajal'] * scale:{spec}}{unit} | "
                             f"{cell(times.get('torch'), scale, spec)}{unit if times.get('torch') else ''} | {ratio(times, extra)} |")
        else:
            unit = "µs" if section in ("overhead", "elementwise") else "ms"
            scale = 1e6 if unit == "µs" else 1e3
            lines += [f"| workload | cajal {unit} | torch {unit} | ratio |", "|---|---|---|---|"]
            for label, times, extra in rows:
                spec = ".1f" if unit == "µs" else ".2f"
                lines.append(f"| {label} | {times['cajal'] * scale:{spec}} | {cell(times.get('torch'), scale, spec)} | "
                             f"{ratio(times, extra)} |")
        lines.append("")
    return "\n".join(lines)


def cell(value, scale=1, spec=".2f"):
    return "-" if value is None else format(value * scale, spec)


def ratio(values, extra=None):
    """cajal / torch, with the spread over rounds (--rounds) when there is one."""
    if not values.get("torch"):
        return "-"
    spread = (extra or {}).get("spread")
    text = f"{values['cajal'] / values['torch']:.2f}"
    return f"{text} ({spread[0]:.2f}-{spread[1]:.2f})" if spread else text


def merged(suites):
    """One suite from several rounds of the same sections: per row the round
    with the median ratio (its times and extra columns), and the ratios' min
    and max across the rounds as the row's spread."""
    result = Suite(suites[0].quick)
    for i, (section, label, _, _) in enumerate(suites[0].rows):
        rows = [suite.rows[i] for suite in suites]
        timed = [row for row in rows if row[2].get("torch")]
        if not timed:
            result.rows.append(rows[0])
            continue
        timed.sort(key=lambda row: row[2]["cajal"] / row[2]["torch"])
        ratios = [row[2]["cajal"] / row[2]["torch"] for row in timed]
        chosen = timed[(len(timed) - 1) // 2]
        result.rows.append((section, label, chosen[2], dict(chosen[3], spread=(ratios[0], ratios[-1]))))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; prints, writes no file")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), help="run these sections only")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the sections this many times: each ratio is the median round's, with the min-max")
    args = parser.parse_args()
    suites = []
    for _ in range(max(1, args.rounds)):
        suite = Suite(args.quick)
        for name, run in SECTIONS.items():
            if not args.only or name in args.only:
                run(suite)
        suites.append(suite)
    suite = merged(suites) if len(suites) > 1 else suites[0]
    command = "make bench-quick" if args.quick else "make bench"
    if args.only or (args.rounds != 3 and not args.quick):
        command = ("python benchmarks/compare.py" + (" --quick" if args.quick else "") + f" --rounds {args.rounds}"
                   + (" --only " + " ".join(args.only) if args.only else ""))
    text = report(suite, command)
    print("\n" + text)
    if not args.quick and not args.only and args.rounds >= 3:
        with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
