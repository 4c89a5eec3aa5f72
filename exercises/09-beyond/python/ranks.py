"""mpirun --oversubscribe -np 4 python3 ranks.py: rank and size beside the pid (mpi4py)."""
import os

from mpi4py import MPI

world = MPI.COMM_WORLD
print(
    f"rank {world.Get_rank()} of {world.Get_size()}: pid {os.getpid()} "
    f"on {MPI.Get_processor_name()} ({os.cpu_count()} cpus)"
)
