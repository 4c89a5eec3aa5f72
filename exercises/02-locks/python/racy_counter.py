"""The same counter without the lock: updates get lost.

`counter += 1` is three steps for CPython (read the global, add, store it
back), and another thread may run between them. Recent CPythons only switch
threads at some instructions (calls, loop back-edges), so the plain loop
rarely shows it; one function call on the right-hand side loses updates in
most runs (18 of 20 with CPython 3.11 on two cores), though not in every one.
Free-threaded CPython (3.13t) loses them either way.

Run: python3 exercises/02-locks/python/racy_counter.py
"""
import dis
import threading

# ANCHOR: racy
counter = 0


def one():
    return 1


def increment(times):
    global counter
    for _ in range(times):
        counter += one()  # read counter, call one() (a switch may happen), store
# ANCHOR_END: racy


if __name__ == "__main__":
    threads = [threading.Thread(target=increment, args=(100_000,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"counter = {counter} (expected {4 * 100_000})")
    print("`counter += one()` is these instructions, not one:")
    for instruction in dis.get_instructions("counter += one()"):
        if instruction.opname not in ("RESUME", "PUSH_NULL", "RETURN_VALUE", "RETURN_CONST", "LOAD_CONST", "POP_TOP"):
            print("   ", instruction.opname, instruction.argrepr)
