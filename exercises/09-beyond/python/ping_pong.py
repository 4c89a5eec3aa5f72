"""mpirun -np 2 python3 ping_pong.py [BYTES] [ROUNDS]: round-trip time (mpi4py).

Upper-case Send/Recv move a buffer as raw bytes, like the Rust version;
lower-case send/recv would pickle a Python object for every message.
"""
import sys
import time

from mpi4py import MPI

nbytes = int(sys.argv[1]) if len(sys.argv) > 1 else 8
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
world = MPI.COMM_WORLD
message = bytearray(nbytes)

if world.Get_rank() == 0:
    started = time.perf_counter()
    for _ in range(rounds):
        world.Send(message, dest=1)
        world.Recv(message, source=1)
    round_trip = (time.perf_counter() - started) / rounds
    print(f"{nbytes} bytes, {rounds} round trips: {round_trip * 1e6:.2f} us per round trip, "
          f"{2 * nbytes / round_trip / 1e6:.1f} MB/s")
elif world.Get_rank() == 1:
    for _ in range(rounds):
        world.Recv(message, source=0)
        world.Send(message, dest=0)
