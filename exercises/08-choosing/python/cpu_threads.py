"""CPU-bound work on 1, 2 and 4 threads, then on 2 processes.

The Python counterpart of `cargo run -p choosing --bin cpu_scaling --release`.
Under the GIL only one thread runs Python bytecode at a time, so more threads
do not finish sooner; processes each have their own interpreter and do.
"""
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


# ANCHOR: work
def is_prime(n):
    if n < 2:
        return False
    divisor = 2
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 1
    return True


def count_primes(bounds):
    start, end = bounds
    return sum(1 for n in range(start, end) if is_prime(n))
# ANCHOR_END: work


def split(limit, parts):
    return [(limit * i // parts, limit * (i + 1) // parts) for i in range(parts)]


# ANCHOR: timed
def cpu_seconds():
    # This process's threads, plus the child processes it has waited for.
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(executor_class, limit, workers):
    started, cpu_before = time.perf_counter(), cpu_seconds()
    with executor_class(max_workers=workers) as pool:
        count = sum(pool.map(count_primes, split(limit, workers)))
    took = time.perf_counter() - started
    return count, took, (cpu_seconds() - cpu_before) / took
# ANCHOR_END: timed


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    print(f"counting the primes below {limit} on a machine with {os.cpu_count()} cores")
    base = None
    for workers in [1, 2, 4]:
        count, took, busy = timed(ThreadPoolExecutor, limit, workers)
        base = base or took
        print(f"{workers} thread(s):  {count} primes in {took * 1e3:7.1f} ms, "
              f"speed-up x{base / took:.2f}, cores busy {busy:.2f}")
    count, took, busy = timed(ProcessPoolExecutor, limit, 2)
    print(f"2 processes:  {count} primes in {took * 1e3:7.1f} ms, "
          f"speed-up x{base / took:.2f}, cores busy {busy:.2f}")
