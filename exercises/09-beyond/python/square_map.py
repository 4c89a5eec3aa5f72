"""mpirun --oversubscribe -np 4 python3 square_map.py: map(square) with scatter and gather."""
from mpi4py import MPI

world = MPI.COMM_WORLD
per_rank = 3
chunks = None
if world.Get_rank() == 0:
    numbers = list(range(per_rank * world.Get_size()))
    chunks = [numbers[r * per_rank:(r + 1) * per_rank] for r in range(world.Get_size())]
mine = world.scatter(chunks, root=0)          # one list per rank, pickled
squares = world.gather([x * x for x in mine], root=0)
if world.Get_rank() == 0:
    print("rank 0 gathered", [s for part in squares for s in part])
