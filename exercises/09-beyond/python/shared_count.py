"""mpirun --oversubscribe -np 4 python3 shared_count.py: a counter without shared memory."""
from mpi4py import MPI

world = MPI.COMM_WORLD
mine = 0
for _ in range(100_000):
    mine += 1                                  # nobody else sees this counter
reduced = world.reduce(mine, op=MPI.SUM, root=0)   # None on the other ranks
everywhere = world.allreduce(mine, op=MPI.SUM)
if world.Get_rank() == 0:
    print(f"rank 0: reduce gave {reduced}, all_reduce gave {everywhere}")
else:
    print(f"rank {world.Get_rank()}: all_reduce gave {everywhere}")
