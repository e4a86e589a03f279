"""The examples learn: the loss falls and the held-out metric clears its bar."""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_breast_cancer_demo_reaches_95_percent():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "breast_cancer_mlp.py")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    losses = [float(v) for v in re.findall(r"loss (\d+\.\d+)", result.stdout)]
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+)", result.stdout).group(1))
    assert losses[-1] < losses[0] / 5, result.stdout
    assert accuracy >= 0.95, result.stdout


def test_digits_lenet_quick_run_reaches_95_percent():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "digits_lenet.py"), "--quick"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    losses = [float(v) for v in re.findall(r"loss (\d+\.\d+)", result.stdout)]
    accuracy = float(re.search(r"held-out accuracy (\d+\.\d+) after", result.stdout).group(1))
    assert losses[-1] < losses[0] / 10, result.stdout
    assert accuracy >= 0.95, result.stdout
