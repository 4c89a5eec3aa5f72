"""A counter shared by threads, protected by a threading.Lock.

Run: python3 exercises/02-locks/python/lock_counter.py
"""
import threading

# ANCHOR: increment
counter = 0
lock = threading.Lock()  # the lock and the data it protects are two separate names


def increment(times):
    global counter
    for _ in range(times):
        with lock:  # nothing checks that every access to `counter` is inside one
            counter += 1


def decrement(times):
    global counter
    for _ in range(times):
        with lock:
            counter -= 1
# ANCHOR_END: increment


if __name__ == "__main__":
    incrementers, decrementers, per_thread = 8, 4, 10_000
    threads = [threading.Thread(target=increment, args=(per_thread,)) for _ in range(incrementers)]
    threads += [threading.Thread(target=decrement, args=(per_thread,)) for _ in range(decrementers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = (incrementers - decrementers) * per_thread
    print(f"counter = {counter} (expected {expected})")
