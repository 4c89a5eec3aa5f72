"""Each child writes its result into its own slot of a shared Array; the
parent reads the slots after joining. Run: python3 result_slots.py"""

import multiprocessing as mp


# ANCHOR: result_slots
def square_into(slots, i):
    slots[i] = (i + 1) ** 2  # slot i is this child's alone


if __name__ == "__main__":
    n = 6
    slots = mp.Array("Q", n, lock=False)  # one writer per slot: no lock needed
    children = [mp.Process(target=square_into, args=(slots, i)) for i in range(n)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    if any(child.exitcode != 0 for child in children):
        raise SystemExit("a child failed: its slot holds no result")
    print(list(slots))
# ANCHOR_END: result_slots
