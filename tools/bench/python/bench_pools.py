"""The source tutorial's Pool.map(square, numbers), over 10**6 numbers."""
import multiprocessing
import multiprocessing.pool
import time

from benchmark import Benchmark

MAP_LEN = 10**6


def square(n):
    return n * n


def check(squares):
    assert len(squares) == MAP_LEN and squares[-1] == (MAP_LEN - 1) ** 2


def pool_map(make_pool):
    """The pool is made before the clock starts and closed after it stops:
    what is timed is map alone, as on the Rust side."""

    def run(ops):
        with make_pool() as pool:
            check(pool.map(square, range(MAP_LEN)))
            start = time.perf_counter()
            for _ in range(ops):
                squares = pool.map(square, range(MAP_LEN))
            elapsed = time.perf_counter() - start
        check(squares)
        return elapsed

    return run


def list_comprehension(ops):
    start = time.perf_counter()
    for _ in range(ops):
        squares = [square(n) for n in range(MAP_LEN)]
    elapsed = time.perf_counter() - start
    check(squares)
    return elapsed


BENCHMARKS = [
    Benchmark(
        "map/process_pool",
        pool_map(lambda: multiprocessing.get_context("fork").Pool(2)),
        full=(3, 5),
        quick=(1, 2),
    ),
    Benchmark(
        "map/thread_pool",
        pool_map(lambda: multiprocessing.pool.ThreadPool(2)),
        full=(3, 5),
        quick=(1, 2),
    ),
    Benchmark("map/list_comprehension", list_comprehension, full=(3, 5), quick=(1, 2)),
]
