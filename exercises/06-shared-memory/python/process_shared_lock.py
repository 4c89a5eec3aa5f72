"""One multiprocessing.Lock guards two shared counters that must move
together. Run: python3 process_shared_lock.py"""

import multiprocessing as mp

PROCESSES, ROUNDS = 4, 20_000


# ANCHOR: pair_lock
def move_pair(lock, left, right, torn):
    for _ in range(ROUNDS):
        with lock:  # a POSIX semaphore: works across processes, sleeps when taken
            if left.value != right.value:
                torn.value += 1
            left.value += 1
            right.value += 1
# ANCHOR_END: pair_lock


if __name__ == "__main__":
    lock = mp.Lock()
    # lock=False: the one Lock above guards all three values.
    left, right, torn = (mp.Value("Q", 0, lock=False) for _ in range(3))
    children = [
        mp.Process(target=move_pair, args=(lock, left, right, torn)) for _ in range(PROCESSES)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join()
    print(f"left {left.value}, right {right.value}, found unequal {torn.value} times")
