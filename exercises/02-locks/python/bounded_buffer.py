"""A bounded buffer from one lock and two threading.Conditions.

This is how queue.Queue(maxsize) is built inside CPython's standard library.

Run: python3 exercises/02-locks/python/bounded_buffer.py
"""
import collections
import threading


# ANCHOR: buffer
class BoundedBuffer:
    def __init__(self, capacity):
        self.items = collections.deque()
        self.capacity = capacity
        lock = threading.Lock()
        self.not_full = threading.Condition(lock)  # two conditions, one lock
        self.not_empty = threading.Condition(lock)

    def push(self, item):
        with self.not_full:
            while len(self.items) == self.capacity:  # `while`, not `if`
                self.not_full.wait()
            self.items.append(item)
            self.not_empty.notify()

    def pop(self):
        with self.not_empty:
            while not self.items:
                self.not_empty.wait()
            item = self.items.popleft()
            self.not_full.notify()
            return item
# ANCHOR_END: buffer


if __name__ == "__main__":
    buffer = BoundedBuffer(2)
    received = []
    consumer = threading.Thread(target=lambda: received.extend(buffer.pop() for _ in range(10)))
    consumer.start()
    for i in range(10):
        buffer.push(i)
    consumer.join()
    print(f"received {received}")
