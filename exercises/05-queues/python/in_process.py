"""The in-process counterpart: queue.Queue between threads.

Run: python3 in_process.py
"""
import queue
import threading

STOP = object()  # queue.Queue has no close (before 3.13's shutdown())


def worker(name, jobs, results):
    while (n := jobs.get()) is not STOP:
        results.put((name, n * n))


if __name__ == "__main__":
    jobs, results = queue.Queue(maxsize=4), queue.Queue()
    workers = [threading.Thread(target=worker, args=(w, jobs, results)) for w in range(3)]
    for w in workers:
        w.start()
    for n in range(1, 11):
        jobs.put(n)  # blocks while 4 jobs wait
    for _ in workers:
        jobs.put(STOP)  # one per worker
    for w in workers:
        w.join()
    squares = sorted((results.get() for _ in range(10)), key=lambda r: r[1])
    for name, square in squares:
        print(f"worker {name} -> {square}")
