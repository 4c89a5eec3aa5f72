"""Python's documented pitfall: join a producer before taking its items.

The producer's put() returns at once: a feeder thread writes the pickled
item into the pipe later. A process does not exit until its feeder thread
has written everything, and the pipe holds 64 KiB: with a 1 MiB item nobody
reads, the producer never exits and join() never returns.

Run: python3 join_before_drain.py
"""
import multiprocessing as mp


def producer(queue):
    for n in range(4):
        queue.put(bytes([n]) * (1 << 20))
    print("producer: put() returned 4 times; now exiting...", flush=True)


if __name__ == "__main__":
    queue = mp.Queue()
    p = mp.Process(target=producer, args=(queue,))
    p.start()
    p.join(timeout=3)  # without the timeout: a hang, for ever
    print(f"after join(timeout=3): alive={p.is_alive()} exitcode={p.exitcode}")
    items = [queue.get() for _ in range(4)]  # drain first...
    p.join()  # ...then join: fine
    print(f"drained {len(items)} items, then joined: exitcode={p.exitcode}")
