"""mpirun --oversubscribe -np 4 python3 ring.py: a token around the ring of ranks."""
from mpi4py import MPI

world = MPI.COMM_WORLD
rank, size = world.Get_rank(), world.Get_size()
status = MPI.Status()
if size == 1:
    value, source = 100, 0
elif rank == 0:
    world.send(100, dest=1)
    value = world.recv(source=size - 1, status=status)
    source = status.Get_source()
else:
    value = world.recv(source=rank - 1, status=status)
    source = status.Get_source()
    world.send(value + rank, dest=(rank + 1) % size)
print(f"rank {rank} received {value} from rank {source}")
