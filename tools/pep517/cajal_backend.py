"""cajal's PEP 517 build backend: `pip install .` and `pip wheel .` from a checkout.

In-tree (pyproject.toml's backend-path) so that building needs nothing from
PyPI. A wheel is the pure-Python package of python/cajal with the engine,
libcajal.so, beside it: `make lib` builds that with the Swift runtime linked
in (Package.swift), so the wheel runs where no Swift toolchain is installed,
and cajal/_ffi.py loads the copy beside itself first. The tag is the build
machine's plain platform (linux_x86_64); `make wheel` has auditwheel turn it
into the manylinux tag the library qualifies for. The wheel is py3-none: the
package reaches the engine through ctypes and has no compiled CPython module.

Hooks: build_wheel, build_editable (a .pth pointing at python/, the engine
loaded from .build/release), build_sdist and their metadata.
"""

import base64
import hashlib
import io
import os
import re
import subprocess
import sysconfig
import tarfile
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = os.path.join(ROOT, "python", "cajal")
NAME = "cajal"


def _version():
    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as source:
        match = re.search(r'^__version__ = "([^"]+)"', source.read(), re.MULTILINE)
    if not match:
        raise RuntimeError("cajal build: no __version__ in python/cajal/__init__.py")
    return match.group(1)


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        description = readme.read()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {_version()}",
        "Summary: A small deep-learning engine in Swift with PyTorch's Python API",
        "Requires-Python: >=3.9",
        # The system's OpenBLAS (Debian's libopenblas0) is used first; this
        # wheel's copy when there is none. Without either, products fall back
        # to cajal's own slower kernels with a warning.
        "Requires-Dist: scipy-openblas32>=0.3.27",
        "Provides-Extra: numpy",
        'Requires-Dist: numpy; extra == "numpy"',
        "Description-Content-Type: text/markdown",
    ]
    return "\n".join(lines) + "\n\n" + description


def _tag():
    return "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")


class _Wheel:
    """A wheel file written entry by entry, with the RECORD of their hashes."""

    def __init__(self, path, tag):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.dist_info = f"{NAME}-{_version()}.dist-info"
        self.tag = tag
        self.records = []

    def add(self, name, data, executable=False):
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible
        info.external_attr = (0o755 if executable else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        self.records.append(f"{name},sha256={digest},{len(data)}")

    def close(self):
        self.add(f"{self.dist_info}/METADATA", _metadata().encode())
        wheel = f"Wheel-Version: 1.0\nGenerator: cajal_backend\nRoot-Is-Purelib: false\nTag: {self.tag}\n"
        self.add(f"{self.dist_info}/WHEEL", wheel.encode())
        self.records.append(f"{self.dist_info}/RECORD,,")
        self.zip.writestr(f"{self.dist_info}/RECORD", "\n".join(self.records) + "\n")
        self.zip.close()


def _build_engine():
    """libcajal.so through the Makefile's own rule (the one place its flags live)."""
    subprocess.run(["make", "--no-print-directory", "-C", ROOT, "lib"], check=True)
    library = os.path.join(ROOT, ".build", "release", "libcajal.so")
    if not os.path.exists(library):
        raise RuntimeError(f"cajal build: {library} was not built")
    return library


def _stripped(library):
    """The library's bytes without its symbol table and debug sections (45 MB
    down to 16; the dynamic symbols Python calls stay), or as built when
    binutils' strip is not there."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "libcajal.so")
        try:
            subprocess.run(["strip", "--strip-unneeded", "-o", copy, library], check=True)
        except (OSError, subprocess.CalledProcessError):
            copy = library
        with open(copy, "rb") as source:
            return source.read()


def _package_files():
    """python/cajal's sources, without caches or a library copied in by hand."""
    for folder, subfolders, files in os.walk(PACKAGE):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".so")):
                continue
            path = os.path.join(folder, name)
            yield path, "cajal/" + os.path.relpath(path, PACKAGE).replace(os.sep, "/")


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    library = _build_engine()
    tag = _tag()
    filename = f"{NAME}-{_version()}-{tag}.whl"
    wheel = _Wheel(os.path.join(wheel_directory, filename), tag)
    for path, name in _package_files():
        with open(path, "rb") as source:
            wheel.add(name, source.read())
    wheel.add("cajal/libcajal.so", _stripped(library), executable=True)
    wheel.close()
    return filename


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """An editable install: a .pth puts python/ on the path; the engine is loaded
    from .build/release as in a checkout."""
    _build_engine()
    tag = _tag()
    filename = f"{NAME}-{_version()}-{tag}.whl"
    wheel = _Wheel(os.path.join(wheel_directory, filename), tag)
    wheel.add("cajal_editable.pth", (os.path.join(ROOT, "python") + "\n").encode())
    wheel.close()
    return filename


def _write_metadata(metadata_directory):
    dist_info = os.path.join(metadata_directory, f"{NAME}-{_version()}.dist-info")
    os.makedirs(dist_info, exist_ok=True)
    with open(os.path.join(dist_info, "METADATA"), "w", encoding="utf-8") as out:
        out.write(_metadata())
    return os.path.basename(dist_info)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _write_metadata(metadata_directory)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _write_metadata(metadata_directory)


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_sdist(sdist_directory, config_settings=None):
    """The files git tracks (the sources the wheel is built from), under cajal-<version>/."""
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True, capture_output=True).stdout
    base = f"{NAME}-{_version()}"
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for relative in sorted(p for p in listed.decode().split("\0") if p):
            path = os.path.join(ROOT, relative)
            if os.path.isfile(path):
                archive.add(path, arcname=f"{base}/{relative}", recursive=False)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return filename
