"""Pool.map(square) over a million numbers, then the same with the numbers
in shared memory: arrays made before the pool forks its workers, and only
(start, end) pairs of indices sent to them.

Run: python3 shared_pool.py
"""
import multiprocessing
import time
from array import array

N = 10**6
WORKERS = 2


def square(x):
    return x * x


def as_u64(shared):
    """A shared ctypes array seen as 8-byte unsigned numbers."""
    return memoryview(shared).cast("B").cast("Q")


def square_slots(bounds):
    """Squares items[start:end] into results[start:end]; returns nothing
    but the count, so nothing but two small tuples is pickled."""
    start, end = bounds
    items, results = as_u64(ITEMS), as_u64(RESULTS)
    results[start:end] = array("Q", [x * x for x in items[start:end]])
    return end - start


def timed(what, work):
    started = time.perf_counter()
    value = work()
    print(f"{what:40} {time.perf_counter() - started:.3f} s")
    return value


if __name__ == "__main__":
    ctx = multiprocessing.get_context("fork")
    # Made before the fork, so every worker inherits the same pages.
    ITEMS = ctx.RawArray("Q", N)
    RESULTS = ctx.RawArray("Q", N)
    as_u64(ITEMS)[:] = array("Q", range(N))
    step = -(-N // (4 * WORKERS))  # Python's chunk size, rounded up
    chunks = [(start, min(start + step, N)) for start in range(0, N, step)]
    with ctx.Pool(WORKERS) as pool:
        squares = timed("Pool(2).map(square, range(10**6))", lambda: pool.map(square, range(N)))
        timed("the same, numbers in shared memory", lambda: pool.map(square_slots, chunks))
        assert list(as_u64(RESULTS)) == squares
