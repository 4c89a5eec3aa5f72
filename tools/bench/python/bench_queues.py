"""Small items through multiprocessing.Queue, from a child to its parent."""
import multiprocessing
import time

from benchmark import Benchmark

fork = multiprocessing.get_context("fork")


def produce(queue, count):
    for item in range(count):
        queue.put(item)


def mp_queue(ops):
    queue = fork.Queue()
    start = time.perf_counter()
    producer = fork.Process(target=produce, args=(queue, ops))
    producer.start()
    total = 0
    for _ in range(ops):
        total += queue.get()
    # Drain first, then join: joining a producer whose items are still
    # buffered in its feeder thread would hang (the documented pitfall).
    producer.join()
    elapsed = time.perf_counter() - start
    assert producer.exitcode == 0
    assert total == ops * (ops - 1) // 2, "items were lost or changed"
    queue.close()
    return elapsed


BENCHMARKS = [
    Benchmark("queue/mp_queue", mp_queue, full=(50_000, 5), quick=(10_000, 3)),
]
