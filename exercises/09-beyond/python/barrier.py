"""mpirun --oversubscribe -np 4 python3 barrier.py: nobody starts phase 2 early."""
import time

from mpi4py import MPI

world = MPI.COMM_WORLD
time.sleep(0.02 * world.Get_rank())            # uneven phase-1 work
finished = time.monotonic_ns()
world.Barrier()
started = time.monotonic_ns()
print(f"rank {world.Get_rank()}: finished phase 1 at {finished} ns, "
      f"started phase 2 at {started} ns")
