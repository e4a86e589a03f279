#!/bin/bash
# The DDP digits example on a Slurm cluster: 2 nodes x 2 ranks, CPUs only.
# Submit from the repository's root with `sbatch examples/distributed/slurm.sh`.
#SBATCH --job-name=cajal-ddp-digits
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=2
#SBATCH --cpus-per-task=4
#SBATCH --time=00:10:00

module load openmpi          # the cluster's Open MPI (the name varies: `module avail openmpi`)
export CAJAL_NUM_THREADS=$SLURM_CPUS_PER_TASK   # each rank's kernel threads: its own cores
# One rank per task; srun starts them and MPI learns the ranks from Slurm (PMIx).
srun --mpi=pmix python examples/distributed/ddp_digits.py --epochs 30
