"""Loading the package: where it finds libcajal.so, and numpy as an optional extra."""

import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_python(code, env_extra, cwd):
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def test_library_path_from_environment(tmp_path):
    # A copy of the package away from the repository finds the library only through CAJAL_LIBRARY_PATH.
    shutil.copytree(os.path.join(ROOT, "python", "cajal"), tmp_path / "cajal", ignore=shutil.ignore_patterns("*.so"))
    library = os.path.join(ROOT, ".build", "release", "libcajal.so")
    found = run_python("import cajal; print(cajal._ffi.library_path)", {"CAJAL_LIBRARY_PATH": library, "PYTHONPATH": str(tmp_path)}, tmp_path)
    assert found.returncode == 0 and found.stdout.strip() == library, found.stderr


def test_missing_library_lists_every_path_tried(tmp_path):
    shutil.copytree(os.path.join(ROOT, "python", "cajal"), tmp_path / "cajal", ignore=shutil.ignore_patterns("*.so"))
    missing = run_python("import cajal", {"CAJAL_LIBRARY_PATH": "/nonexistent/libcajal.so", "PYTHONPATH": str(tmp_path)}, tmp_path)
    assert missing.returncode != 0
    assert "could not load libcajal.so" in missing.stderr
    assert "/nonexistent/libcajal.so (not found)" in missing.stderr
    assert str(tmp_path / "cajal" / "libcajal.so") in missing.stderr


def test_numpy_is_optional():
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import cajal as torch\n"
        "x = torch.tensor([[1.0, 2.0]], requires_grad=True)\n"
        "(x @ x.t()).sum().backward()\n"
        "print(x.grad.tolist())\n"
        "try:\n"
        "    x.detach().numpy()\n"
        "except ImportError:\n"
        "    print('numpy() needs numpy')\n"
    )
    result = run_python(code, {"PYTHONPATH": os.path.join(ROOT, "python")}, ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[[2.0, 4.0]]", "numpy() needs numpy"]


def test_exit_with_tensors_alive_is_clean():
    # Tensors (some borrowing numpy memory, one in a reference cycle) are
    # freed while the interpreter shuts down; nothing may crash or print.
    code = (
        "import cajal, numpy as np\n"
        "views = [cajal.from_numpy(np.arange(4.0)).view(2, 2) for _ in range(50)]\n"
        "loss = (cajal.ones(2, requires_grad=True) * 3).sum()\n"
        "class Holder: pass\n"
        "h = Holder(); h.t = cajal.from_numpy(np.zeros(2)); h.self = h\n"
    )
    result = run_python(code, {"PYTHONPATH": os.path.join(ROOT, "python")}, ROOT)
    assert result.returncode == 0 and result.stderr == "", result.stderr
