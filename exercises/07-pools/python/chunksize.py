"""Pool.map's default chunk size, and the chunks each worker process got.

Run: python3 chunksize.py
"""
import multiprocessing
import os


def python_chunksize(length, workers):
    # What Pool._map_async computes when chunksize is None.
    chunksize, extra = divmod(length, workers * 4)
    if extra:
        chunksize += 1
    return chunksize


def tag(x):
    return x, os.getpid()


if __name__ == "__main__":
    for length, workers in [(5, 4), (100, 4), (96, 4), (10_000, 8)]:
        print(f"{length:>6} items, {workers} workers: chunksize {python_chunksize(length, workers)}")
    with multiprocessing.Pool(2) as pool:
        runs = []
        for x, pid in pool.map(tag, range(20)):  # chunksize 3: 6..9 is one chunk
            if not runs or runs[-1][0] != pid:
                runs.append((pid, []))
            runs[-1][1].append(x)
        for pid, items in runs:
            print(f"worker {pid}: {items}")
