"""mpirun -np 2 python3 send_deadlock.py BYTES: both ranks send first."""
import sys

from mpi4py import MPI

world = MPI.COMM_WORLD
partner = 1 - world.Get_rank()
outgoing = bytearray([world.Get_rank()]) * int(sys.argv[1])
incoming = bytearray(len(outgoing))
world.Send(outgoing, dest=partner)     # large BYTES: both ranks stop here
world.Recv(incoming, source=partner)
print(f"rank {world.Get_rank()} received {len(incoming)} bytes")
