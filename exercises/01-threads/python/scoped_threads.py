"""Threads that work on parts of a local list. Run: python3 scoped_threads.py"""
import threading


def parallel_sum(numbers, workers):
    chunk_len = max(1, -(-len(numbers) // max(1, workers)))  # ceiling division
    sums = []
    lock = threading.Lock()

    def add_chunk(start):
        # The slice is a copy. Threads could read `numbers` directly: Python
        # lets any thread touch any object, and nothing checks that it is safe.
        partial = sum(numbers[start:start + chunk_len])
        with lock:
            sums.append(partial)

    threads = [threading.Thread(target=add_chunk, args=(start,))
               for start in range(0, len(numbers), chunk_len)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(sums)


if __name__ == "__main__":
    numbers = list(range(1, 1_000_001))
    print(f"sum of 1..=1000000 on 4 threads: {parallel_sum(numbers, 4)}")
