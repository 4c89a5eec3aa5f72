"""Several processes count their chunk of the input into one shared table of
buckets. Run: python3 shared_histogram.py"""

import multiprocessing as mp
import random


# ANCHOR: histogram
def count_chunk(counts, chunk):
    mine = [0] * len(counts)  # count privately first...
    for byte in chunk:
        mine[byte // 16] += 1
    with counts.get_lock():  # ...then add to the shared table under its lock
        for bucket, n in enumerate(mine):
            counts[bucket] += n


if __name__ == "__main__":
    data = bytes(random.randrange(256) for _ in range(100_000))
    workers = 4
    counts = mp.Array("Q", 16)  # lock=True: one lock for the whole array
    size = -(-len(data) // workers)
    chunks = [data[w * size:(w + 1) * size] for w in range(workers)]
    children = [mp.Process(target=count_chunk, args=(counts, c)) for c in chunks]
    for child in children:
        child.start()
    for child in children:
        child.join()
    print(list(counts), "total", sum(counts))
# ANCHOR_END: histogram
