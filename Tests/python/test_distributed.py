"""cajal.distributed over MPI: the collectives, DistributedSampler and
DistributedDataParallel, on 2 ranks of this machine (mpirun --oversubscribe,
shared memory / loopback). The scenarios live in distributed_worker.py and
check themselves; torch's DistributedSampler orders below come from real
PyTorch 2.15."""

import os
import shutil
import subprocess
import sys

import pytest

import cajal.distributed as dist
from cajal.utils.data.distributed import DistributedSampler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKER = os.path.join(ROOT, "Tests", "python", "distributed_worker.py")
MPIRUN = shutil.which("mpirun")
needs_mpi = pytest.mark.skipif(MPIRUN is None or not dist.is_mpi_available(), reason="Open MPI not installed")


def _mpirun(*args, timeout=240):
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "python"),
           # Open MPI refuses root without these (CI runs as root).
           "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
    return subprocess.run([MPIRUN, "--oversubscribe", "-np", "2", sys.executable, WORKER, *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


@needs_mpi
@pytest.mark.parametrize("scenario", ["collectives", "ddp", "no_sync", "unused", "buffers", "overlap"])
def test_scenario_on_two_ranks(scenario):
    run = _mpirun(scenario)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"ok {scenario} rank 0" in run.stdout and f"ok {scenario} rank 1" in run.stdout


@needs_mpi
def test_resuming_from_a_checkpoint_rank_0_saved(tmp_path):
    run = _mpirun("checkpoint", str(tmp_path / "checkpoint.pt"))
    assert run.returncode == 0, run.stdout + run.stderr


@needs_mpi
def test_a_rank_that_fails_ends_the_job_instead_of_hanging():
    # Open MPI's documented behaviour: when a rank exits with a non-zero status,
    # mpirun kills the others and exits non-zero itself.
    run = _mpirun("crash", timeout=120)
    assert run.returncode != 0
    assert "rank 1 fails on purpose" in run.stderr
    assert "ok crash" not in run.stdout


@needs_mpi
def test_one_process_without_a_launcher_is_a_world_of_one():
    program = ("import cajal as torch, cajal.distributed as dist\n"
               "dist.init_process_group('mpi')\n"
               "x = torch.arange(3.0); dist.all_reduce(x)\n"
               "print(dist.get_rank(), dist.get_world_size(), x.tolist())\n"
               "work = dist.all_reduce(x, async_op=True)\n"
               "dist.destroy_process_group(); print(dist.is_initialized())\n"
               "try:\n    work.wait()\nexcept RuntimeError as e:\n    print('late wait:', e)\n")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")})
    assert run.returncode == 0, run.stderr
    lines = run.stdout.split("\n")
    assert lines[:2] == ["0 1 [0.0, 1.0, 2.0]", "False"]
    assert lines[2].startswith("late wait:") and "finalized" in lines[2], run.stdout  # an error, not Open MPI's abort


def test_calls_before_init_process_group_raise_torch_s_error():
    assert not dist.is_initialized() and dist.is_available()
    for call in (dist.get_rank, dist.get_world_size, dist.barrier):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            call()
    import cajal

    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        dist.all_reduce(cajal.zeros(2))


@pytest.mark.parametrize("backend", ["gloo", "nccl"])
def test_other_backends_say_they_are_not_implemented(backend):
    with pytest.raises(NotImplementedError, match="MPI only"):
        dist.init_process_group(backend)


# (dataset length, num_replicas, shuffle, drop_last, seed, epoch) -> each rank's indices, from torch 2.15.
TORCH_ORDERS = [((10, 3, True, False, 0, 0), [[4, 5, 0, 2], [1, 3, 8, 4], [7, 9, 6, 1]]),
                ((10, 3, True, False, 0, 1), [[5, 2, 9, 4], [6, 0, 3, 5], [1, 8, 7, 6]]),
                ((10, 3, True, True, 7, 2), [[0, 7, 9], [5, 6, 1], [8, 2, 4]]),
                ((10, 3, False, False, 0, 0), [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]),
                ((2, 4, True, False, 0, 0), [[0], [1], [0], [1]]),
                ((11, 2, True, False, 42, 3), [[7, 9, 6, 8, 10, 3], [0, 1, 4, 5, 2, 7]])]


@pytest.mark.parametrize("case, orders", TORCH_ORDERS)
def test_distributed_sampler_gives_torch_s_orders(case, orders):
    n, replicas, shuffle, drop_last, seed, epoch = case
    for rank, expected in enumerate(orders):
        sampler = DistributedSampler(list(range(n)), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed,
                                     drop_last=drop_last)
        sampler.set_epoch(epoch)
        assert list(sampler) == expected and len(sampler) == len(expected)


def test_distributed_sampler_rejects_a_rank_outside_the_replicas():
    with pytest.raises(ValueError, match="Invalid rank 3"):
        DistributedSampler(list(range(4)), num_replicas=3, rank=3)
    with pytest.raises(RuntimeError, match="Requires distributed package"):
        DistributedSampler(list(range(4)))


def test_without_mpi_installed_init_says_how_to_get_it(tmp_path):
    from test_packaging import _can_hide, _run_hidden

    if not _can_hide():
        pytest.skip("needs unshare -m (root) to hide libmpi")
    import re as _re

    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    files = sorted({os.path.realpath(p) for p in _re.findall(r"libmpi\.so\S* \(.*?\) => (\S+)", listing)})
    if not files:
        pytest.skip("no system libmpi to hide")
    program = ("import cajal.distributed as dist\n"
               "print(dist.is_mpi_available())\n"
               "try:\n    dist.init_process_group('mpi')\nexcept RuntimeError as e:\n    print('error', e)\n")
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")}
    env.pop("CAJAL_MPI_LIBRARY", None)
    run = _run_hidden([sys.executable, "-c", program], hide_files=files, env=env, cwd=str(tmp_path))
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "False" and "MPI is not installed" in lines[1] and "openmpi" in lines[1], run.stdout
