"""A bounded queue: put() blocks while the queue holds maxsize items.

Run: python3 bounded.py
"""
import multiprocessing as mp
import queue as stdlib_queue

if __name__ == "__main__":
    queue = mp.Queue(maxsize=3)
    for n in range(3):
        queue.put(n)
    try:
        queue.put(3, timeout=1)  # full: waits, then gives up
    except stdlib_queue.Full:
        print("the 4th put blocked: the queue is full")
    print("took", queue.get())
    queue.put(3, timeout=1)  # room again
    print("the 4th put went through after one get")
    print("rest:", [queue.get() for _ in range(3)])
