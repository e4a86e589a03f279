"""The README's Python, C and Swift examples really run."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def readme_block(language):
    with open(os.path.join(ROOT, "README.md")) as f:
        blocks = re.findall(rf"```{language}\n(.*?)```", f.read(), re.S)
    assert blocks, f"README.md has no {language} example"
    return blocks[0]


def test_python_example_runs(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(readme_block("python"))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "grad_fn=<MeanBackward0>" in result.stdout
    weights = [float(v) for v in re.findall(r"-?\d+\.\d+", result.stdout.splitlines()[1])]
    assert [round(v, 3) for v in weights] == [2.0, -1.0, 0.5, 0.1]


def test_c_example_compiles_and_runs(tmp_path):
    source = tmp_path / "example.c"
    source.write_text(readme_block("c"))
    binary = tmp_path / "example"
    build = os.path.join(ROOT, ".build", "release")
    compiled = subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", str(source), "-I", os.path.join(ROOT, "include"),
                               "-L", build, "-lcajal", f"-Wl,-rpath,{build}", "-o", str(binary)],
                              capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr
    result = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "error: [add] shapes (2x3) and (4) cannot be broadcast" in result.stdout


def test_swift_example_is_the_one_swift_test_runs():
    with open(os.path.join(ROOT, "Tests", "CajalTests", "ReadmeExampleTests.swift")) as f:
        test_source = f.read()
    example = readme_block("swift").replace("import Cajal\n\n", "")
    assert example.strip() in test_source, "README's Swift example differs from ReadmeExampleTests.swift"
