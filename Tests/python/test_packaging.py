"""How users install cajal: the pip wheel, `make install` with pkg-config, and
where the engine finds OpenBLAS.

The wheel must run where no Swift toolchain is installed, and the installed
C library likewise: these tests run them in a private mount namespace
(`unshare -m`, root only) where the toolchain's runtime folder is an empty
tmpfs, and with OpenBLAS hidden the same way (/dev/null mounted over it).
Without unshare they are skipped; CI runs as root.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile

import pytest

import cajal

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = os.path.join(ROOT, ".build", "release", "libcajal.so")

# A short, seeded training run that needs nothing but cajal (the venv has no numpy).
TRAINING = """
import cajal as torch
torch.manual_seed(0)
x = torch.randn(256, 8)
y = (x[:, 0] + x[:, 1] - x[:, 2] > 0).long()
model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
losses = []
for step in range(40):
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
accuracy = (model(x).argmax(1) == y).float().mean().item()
print("losses", " ".join(repr(v) for v in losses))
print("accuracy", accuracy)
print("module", torch.__file__)
print("library", torch._ffi.library_path)
print("maps", " ".join(sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})))
"""


def _swift_runtime_folder():
    """The toolchain's runtime libraries (…/usr/lib/swift), or None."""
    swift = shutil.which("swift")
    if swift is None:
        return None
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(swift))), "lib", "swift")
    return folder if os.path.isdir(folder) else None


def _system_openblas_files():
    """The real files behind the system's libopenblas.so* names."""
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    paths = re.findall(r"libopenblas\S*\.so\S* \(.*?\) => (\S+)", listing)
    return sorted({os.path.realpath(p) for p in paths if os.path.exists(p)})


def _can_hide():
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(not _can_hide(), reason="needs unshare -m (root) to hide libraries")


def _run_hidden(command, hide_folders=(), hide_files=(), env=None, cwd=None):
    """`command` in a mount namespace where each folder is an empty tmpfs and
    each file reads as /dev/null (so dlopen fails on it)."""
    mounts = [f"mount -t tmpfs none {shlex.quote(f)}" for f in hide_folders]
    mounts += [f"mount --bind /dev/null {shlex.quote(f)}" for f in hide_files]
    script = " && ".join(mounts + ['exec "$@"'])
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *command],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def _parse(output):
    fields = dict(line.split(" ", 1) for line in output.strip().splitlines() if " " in line)
    return fields


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `pip wheel .` builds (the in-tree backend, tools/pep517)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", "-w", str(folder)], check=True, cwd=str(folder))
    (path,) = folder.glob("cajal-*.whl")
    return path


def test_wheel_holds_the_package_and_an_engine_without_the_swift_runtime(wheel):
    assert wheel.name == f"cajal-{cajal.__version__}-py3-none-linux_x86_64.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"cajal/__init__.py", "cajal/_ffi.py", "cajal/nn/functional.py", "cajal/libcajal.so"} <= names
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
        metadata = archive.read(f"cajal-{cajal.__version__}.dist-info/METADATA").decode()
        assert f"Version: {cajal.__version__}" in metadata
        assert "Requires-Dist: scipy-openblas32" in metadata
        # Every file's RECORD hash is right (pip checks them on install too).
        record = archive.read(f"cajal-{cajal.__version__}.dist-info/RECORD").decode().splitlines()
        assert len(record) == len(names)
        library = archive.read("cajal/libcajal.so")
    scratch = wheel.parent / "libcajal.so"
    scratch.write_bytes(library)
    dynamic = subprocess.run(["readelf", "-d", str(scratch)], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", dynamic)
    assert needed and not [n for n in needed if "swift" in n], needed
    assert set(needed) <= {"libm.so.6", "libc.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"}
    assert "libcajal.so.0" in re.findall(r"\(SONAME\).*\[(.*)\]", dynamic)


@needs_namespaces
def test_wheel_trains_in_a_fresh_venv_with_the_swift_toolchain_hidden(wheel, tmp_path):
    runtime = _swift_runtime_folder()
    assert runtime is not None, "the tests build with Swift, so its runtime folder exists"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet",
                    "--disable-pip-version-check", str(wheel)], check=True)
    script = tmp_path / "train.py"
    script.write_text(TRAINING)
    # A clean environment (no PYTHONPATH, LD_LIBRARY_PATH or CAJAL_*), run outside the checkout.
    installed = _run_hidden([python, str(script)], hide_folders=[runtime], env={"PATH": "/usr/bin:/bin"},
                            cwd=str(tmp_path))
    assert installed.returncode == 0, installed.stderr
    fields = _parse(installed.stdout)
    assert fields["module"].startswith(str(venv)) and fields["library"].startswith(str(venv))
    assert runtime not in fields["maps"] and "libswiftCore" not in fields["maps"]
    losses = [float(v) for v in fields["losses"].split()]
    assert losses[-1] < 0.25 * losses[0] and float(fields["accuracy"]) > 0.95
    # The same engine from the checkout gives the same numbers, bit for bit.
    checkout = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=str(tmp_path),
                              env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")}, timeout=300)
    assert checkout.returncode == 0, checkout.stderr
    assert _parse(checkout.stdout)["losses"] == fields["losses"]


MULTIPLY = """
import cajal, os
a = cajal.arange(12.0).reshape(3, 4)
print("product", (a @ a.T).flatten().tolist())
print("core", cajal.backends.cpu.get_blas_core())
print("maps", " ".join(sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line})))
"""
PRODUCT = [14.0, 38.0, 62.0, 38.0, 126.0, 214.0, 62.0, 214.0, 366.0]  # A Aᵀ for A = [[0..3], [4..7], [8..11]]


@needs_namespaces
def test_openblas_from_the_scipy_openblas32_wheel_when_the_system_has_none(tmp_path):
    pytest.importorskip("scipy_openblas32")
    system = _system_openblas_files()
    assert system, "make deps installs the system's OpenBLAS"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAJAL_BLAS")}
    env["PYTHONPATH"] = os.path.join(ROOT, "python")
    run = _run_hidden([sys.executable, "-c", MULTIPLY], hide_files=system, env=env, cwd=str(tmp_path))
    assert run.returncode == 0, run.stderr
    fields = _parse(run.stdout)
    assert [float(v) for v in fields["product"].strip("[]").split(",")] == PRODUCT
    assert "libscipy_openblas.so" in fields["maps"] and not any(f in fields["maps"] for f in system)
    assert fields["core"] != "unavailable"
    assert "OpenBLAS not found" not in run.stderr


@needs_namespaces
def test_without_any_openblas_products_still_work_and_say_so_once(tmp_path):
    system = _system_openblas_files()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAJAL_BLAS")}
    env["PYTHONPATH"] = os.path.join(ROOT, "python")
    env["CAJAL_BLAS_FALLBACK_LIBRARY"] = ""  # as if scipy-openblas32 were not installed
    program = MULTIPLY + "print('again', cajal.mm(a, a.T).sum().item())\n"
    run = _run_hidden([sys.executable, "-c", program], hide_files=system, env=env, cwd=str(tmp_path))
    assert run.returncode == 0, run.stderr
    fields = _parse(run.stdout)
    assert [float(v) for v in fields["product"].strip("[]").split(",")] == PRODUCT
    assert fields["core"] == "unavailable" and float(fields["again"]) == sum(PRODUCT)
    assert run.stderr.count("cajal: OpenBLAS not found") == 1


@needs_namespaces
def test_make_install_gives_c_programs_a_library_pkg_config_finds(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["make", "--no-print-directory", "-s", "-C", ROOT, "install", f"PREFIX={prefix}"], check=True,
                   capture_output=True)
    lib = prefix / "lib"
    version = cajal.__version__
    assert os.readlink(lib / "libcajal.so") == "libcajal.so.0"
    assert os.readlink(lib / "libcajal.so.0") == f"libcajal.so.{version}"
    env = {**os.environ, "PKG_CONFIG_PATH": str(lib / "pkgconfig")}
    assert subprocess.run(["pkg-config", "--modversion", "cajal"], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == version
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "cajal"], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    program = tmp_path / "breast_cancer_mlp"
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Werror", os.path.join(ROOT, "examples", "c", "breast_cancer_mlp.c"),
                    *flags, "-lm", "-o", str(program)], check=True)
    dynamic = subprocess.run(["readelf", "-d", str(program)], capture_output=True, text=True).stdout
    assert "[libcajal.so.0]" in dynamic  # linked by SONAME: a newer 0.x replaces it in place
    import sklearn

    data = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "breast_cancer.csv")
    run = _run_hidden([str(program), data, "--quick"], hide_folders=[_swift_runtime_folder()],
                      env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": str(lib)})
    assert run.returncode == 0, run.stderr
    accuracy = float(re.search(r"held-out accuracy ([0-9.]+)", run.stdout).group(1))
    assert accuracy > 0.9
    subprocess.run(["make", "--no-print-directory", "-s", "-C", ROOT, "uninstall", f"PREFIX={prefix}"], check=True,
                   capture_output=True)
    left = [p for p in prefix.rglob("*") if p.is_file() or p.is_symlink()]
    assert left == []
