"""Several processes increment one shared counter without holding its lock
across the increment: updates are lost. Run: python3 lost_updates.py"""

import multiprocessing as mp

PROCESSES, INCREMENTS = 4, 100_000


# ANCHOR: without_lock
def add(counter, increments):
    for _ in range(increments):
        # Value's own lock is taken for the read, released, and taken again
        # for the write: another process can write in between.
        counter.value += 1
# ANCHOR_END: without_lock


if __name__ == "__main__":
    counter = mp.Value("Q", 0)  # lock=True by default, and it does not help here
    children = [mp.Process(target=add, args=(counter, INCREMENTS)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    expected = PROCESSES * INCREMENTS
    print(f"{PROCESSES} processes x {INCREMENTS} increments without get_lock()")
    print("expected:", expected)
    print("actual:  ", counter.value)
    print("lost:    ", expected - counter.value)
