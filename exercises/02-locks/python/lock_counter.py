"""Twelve threads change one counter; a threading.Lock keeps every change whole.

The concurrency tutorial's lock example, written anew: eight threads add 1
ten thousand times, four subtract 1 as often, so the total must be 40000.

Run: python3 exercises/02-locks/python/lock_counter.py
"""
from threading import Lock, Thread

# ANCHOR: increment
counter = 0
counter_lock = Lock()  # guards `counter`, but only by convention: they are two names


def change_counter(step, times):
    """Adds `step` (1 or -1) to the counter `times` times, one change per lock."""
    global counter
    for _ in range(times):
        with counter_lock:  # nothing checks that every use of `counter` is inside one
            counter += step
# ANCHOR_END: increment


def main(adders=8, subtractors=4, times=10_000):
    steps = [1] * adders + [-1] * subtractors
    workers = [Thread(target=change_counter, args=(step, times)) for step in steps]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"counter = {counter} (expected {(adders - subtractors) * times})")


if __name__ == "__main__":
    main()
