"""A child stores the same value in an ordinary object and in shared memory;
the parent sees only the shared store. Run: python3 private_vs_shared.py"""

import multiprocessing as mp

# ANCHOR: private_vs_shared
def store(private, shared, value):
    private.append(value)  # the child's copy of the list only
    shared.value = value   # the shared ctypes value, seen by the parent


if __name__ == "__main__":
    mp.set_start_method("fork")  # like Rust's fork: the child starts as a copy
    private = []
    shared = mp.Value("Q", 0)  # an unsigned 64-bit int in shared memory, plus a lock
    child = mp.Process(target=store, args=(private, shared, 42))
    child.start()
    child.join()
    print("the child stored 42 in both places")
    print("the parent reads its private list:", private)
    print("the parent reads the shared value:", shared.value)
# ANCHOR_END: private_vs_shared
