"""Small items through multiprocessing.Queue, from a child to its parent."""
import time

from benchmark import Benchmark
from steady import fork, start_at_line


def produce(queue, count):
    for item in range(count):
        queue.put(item)


def mp_queue(ops):
    queue = fork.Queue()
    producer, go = start_at_line(produce, queue, ops)
    start = time.perf_counter()
    go()
    total = 0
    for _ in range(ops):
        total += queue.get()
    elapsed = time.perf_counter() - start
    # Drain first, then join: joining a producer whose items are still
    # buffered in its feeder thread would hang (the documented pitfall).
    producer.join()
    assert producer.exitcode == 0
    assert total == ops * (ops - 1) // 2, "items were lost or changed"
    queue.close()
    return elapsed


BENCHMARKS = [
    Benchmark("queue/mp_queue", mp_queue, full=(50_000, 5), quick=(50_000, 3)),
]
