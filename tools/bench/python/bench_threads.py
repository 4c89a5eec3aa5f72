"""Threads: spawn and join, a counter under a lock, a CPU-bound task."""
import multiprocessing
import pathlib
import sys
import threading
import time

from benchmark import Benchmark

# The CPU-bound task is chapter 8's own trial division, so that the benchmark
# times the very code the chapter shows.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "exercises" / "08-choosing" / "python"))
from cpu_threads import is_prime  # noqa: E402


def nothing():
    pass


def spawn_join(ops):
    start = time.perf_counter()
    for _ in range(ops):
        thread = threading.Thread(target=nothing)
        thread.start()
        thread.join()
    return time.perf_counter() - start


def lock_counter(threads):
    """`threads` threads add 1 under a threading.Lock, `ops` times in all."""

    def run(ops):
        each = max(1, -(-ops // threads))
        lock = threading.Lock()
        counter = [0]

        def add():
            for _ in range(each):
                with lock:
                    counter[0] += 1

        workers = [threading.Thread(target=add) for _ in range(threads)]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - start
        assert counter[0] == each * threads, "increments were lost under a Lock"
        return elapsed * ops / (each * threads)

    return run


PRIMES_BELOW = 200_000
PRIMES_BELOW_COUNT = 17_984
BLOCK = 1000


def count_share(worker, workers, limit=PRIMES_BELOW):
    """Blocks of 1000 numbers, block k to worker k mod workers."""
    count = 0
    for block_start in range(worker * BLOCK, limit, workers * BLOCK):
        for n in range(block_start, min(block_start + BLOCK, limit)):
            if is_prime(n):
                count += 1
    return count


def primes_on_threads(threads):
    def run(ops):
        start = time.perf_counter()
        for _ in range(ops):
            counts = [0] * threads

            def work(worker):
                counts[worker] = count_share(worker, threads)

            workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            assert sum(counts) == PRIMES_BELOW_COUNT
        return time.perf_counter() - start

    return run


def primes_on_processes(processes):
    fork = multiprocessing.get_context("fork")

    def run(ops):
        start = time.perf_counter()
        for _ in range(ops):
            with fork.Pool(processes) as pool:
                shares = pool.starmap(count_share, [(i, processes) for i in range(processes)])
            assert sum(shares) == PRIMES_BELOW_COUNT
        return time.perf_counter() - start

    return run


BENCHMARKS = [
    Benchmark("thread/spawn_join", spawn_join, full=(2000, 5), quick=(500, 3)),
    Benchmark("counter/lock_1", lock_counter(1), full=(1_000_000, 5), quick=(200_000, 3)),
    Benchmark("counter/lock_2", lock_counter(2), full=(1_000_000, 5), quick=(200_000, 3)),
    Benchmark("cpu/threads_1", primes_on_threads(1), full=(1, 5), quick=(1, 2)),
    Benchmark("cpu/threads_2", primes_on_threads(2), full=(1, 5), quick=(1, 2)),
    Benchmark("cpu/processes_2", primes_on_processes(2), full=(1, 5), quick=(1, 2)),
]
