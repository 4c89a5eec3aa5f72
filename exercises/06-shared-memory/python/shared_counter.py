"""Several processes increment one shared counter, holding its lock for the
whole read-modify-write. Run: python3 shared_counter.py"""

import multiprocessing as mp

PROCESSES, INCREMENTS = 4, 100_000


# ANCHOR: with_lock
def add(counter, increments):
    for _ in range(increments):
        with counter.get_lock():  # one lock around the read AND the write
            counter.value += 1
# ANCHOR_END: with_lock


if __name__ == "__main__":
    counter = mp.Value("Q", 0)
    children = [mp.Process(target=add, args=(counter, INCREMENTS)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    print(f"{PROCESSES} processes x {INCREMENTS} increments with get_lock()")
    print("expected:", PROCESSES * INCREMENTS)
    print("actual:  ", counter.value)
