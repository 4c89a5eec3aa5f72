"""mpirun -np 2 python3 mpi_measure.py [REPEATS] [N]: chapter 9's measurements
with mpi4py, as one JSON line on rank 0 (the same keys as the Rust program
`mpi_measure`, which `cargo course bench` runs beside it).

- round_trip_us: an 8-byte message from rank 0 to rank 1 and back, the mean
  of 2000 round trips;
- bandwidth_mb_s: 1 MiB messages there and back, 20 round trips, bytes of
  both directions per second (10^6 bytes to the MB);
- square_map_ms: map(square) over range(N) with Scatterv and Gatherv across
  every rank, timed on rank 0 from the scatter to the end of the gather.

Each is the median of REPEATS repeats. The messages are buffers (upper-case
Send, Recv, Scatterv, Gatherv): the bytes go as they are, like the Rust
side's slices; lower-case send/recv would pickle an object per message.
"""
import json
import statistics
import sys
import time
from array import array

from mpi4py import MPI

SMALL_BYTES, SMALL_ROUNDS = 8, 2000
LARGE_BYTES, LARGE_ROUNDS = 1 << 20, 20


def ping_pong(world, nbytes, rounds):
    """Seconds per round trip on rank 0; None on the other ranks."""
    message = bytearray(nbytes)
    if world.Get_rank() == 0:
        started = time.perf_counter()
        for _ in range(rounds):
            world.Send(message, dest=1)
            world.Recv(message, source=1)
        return (time.perf_counter() - started) / rounds
    if world.Get_rank() == 1:
        for _ in range(rounds):
            world.Recv(message, source=0)
            world.Send(message, dest=0)
    return None


def share_range(n, size, rank):
    """Rank `rank`'s contiguous share of range(n): the first n % size ranks
    take one more (the split chapter 9's Rust code makes)."""
    base, extra = divmod(n, size)
    start = rank * base + min(rank, extra)
    return start, base + (1 if rank < extra else 0)


def square_map(world, n):
    """Seconds of map(square) over range(n) with scatter and gather."""
    rank, size = world.Get_rank(), world.Get_size()
    shares = [share_range(n, size, r) for r in range(size)]
    counts = [length for _, length in shares]
    displs = [start for start, _ in shares]
    numbers = array("Q", range(n)) if rank == 0 else None
    results = array("Q", bytes(8 * n)) if rank == 0 else None
    mine = array("Q", bytes(8 * counts[rank]))
    u64 = MPI.UNSIGNED_LONG_LONG
    started = time.perf_counter()
    world.Scatterv([numbers, counts, displs, u64] if rank == 0 else None, [mine, u64], root=0)
    squares = array("Q", [x * x for x in mine])
    world.Gatherv([squares, u64], [results, counts, displs, u64] if rank == 0 else None, root=0)
    elapsed = time.perf_counter() - started
    if rank == 0:
        assert all(s == i * i for i, s in enumerate(results)), "the gathered squares are wrong"
    return elapsed


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    world = MPI.COMM_WORLD
    round_trips, bandwidths, maps = [], [], []
    for _ in range(repeats):
        world.Barrier()
        small = ping_pong(world, SMALL_BYTES, SMALL_ROUNDS)
        world.Barrier()
        large = ping_pong(world, LARGE_BYTES, LARGE_ROUNDS)
        world.Barrier()
        took = square_map(world, n)
        if world.Get_rank() == 0:
            round_trips.append(small * 1e6)
            bandwidths.append(2 * LARGE_BYTES / large / 1e6)
            maps.append(took * 1e3)
    if world.Get_rank() == 0:
        print(json.dumps({
            "round_trip_us": statistics.median(round_trips),
            "bandwidth_mb_s": statistics.median(bandwidths),
            "square_map_ms": statistics.median(maps),
        }), flush=True)


if __name__ == "__main__":
    main()
