"""The C contract in three places must agree: include/cajal.h, the symbols
libcajal.so exports (nm -D), and the Python declaration table."""

import os
import re
import subprocess

from cajal import _ffi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def header_functions():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        text = f.read()
    return set(re.findall(r"\b(cajal_[a-z0-9_]+)\s*\(", text))


def exported_functions():
    out = subprocess.run(["nm", "-D", "--defined-only", _ffi.library_path], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.split()[-1].startswith("cajal_")}


def test_header_exports_and_python_table_agree():
    header, exported, table = header_functions(), exported_functions(), set(_ffi.DECLARATIONS)
    assert header == exported, f"header only: {sorted(header - exported)}; library only: {sorted(exported - header)}"
    assert header == table, f"header only: {sorted(header - table)}; Python table only: {sorted(table - header)}"


def test_every_function_is_documented_in_the_header():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        lines = f.read().splitlines()
    undocumented = []
    for i, line in enumerate(lines):
        match = re.match(r"^[a-z].*\b(cajal_[a-z0-9_]+)\s*\(", line)
        if match and not lines[i - 1].rstrip().endswith("*/"):
            undocumented.append(match.group(1))
    assert not undocumented, f"no comment above: {undocumented}"


def test_api_versions_agree():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        version = int(re.search(r"#define CAJAL_API_VERSION (\d+)", f.read()).group(1))
    assert version == _ffi.API_VERSION == _ffi.lib.cajal_api_version()


def test_status_codes_agree():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        codes = {int(v) for v in re.findall(r"#define CAJAL_ERR_[A-Z_]+ (\d+)", f.read())}
    assert codes == set(_ffi.ERRORS)
