"""Memory isolation and crash isolation."""
import ctypes
import multiprocessing
import os

# ANCHOR: memory
balance = 100


def deposit():
    global balance
    balance += 50
    print("the child sees a balance of", balance)
# ANCHOR_END: memory


def crash(how):
    if how == "exception":
        raise RuntimeError("the child gives up")
    if how == "abort":
        os.abort()
    if how == "segfault":
        ctypes.string_at(0)  # read address 0


if __name__ == "__main__":
    p = multiprocessing.Process(target=deposit)
    p.start()
    p.join()
    print("the parent still sees", balance)
    for how in ["exception", "abort", "segfault"]:
        p = multiprocessing.Process(target=crash, args=(how,))
        p.start()
        p.join()
        print(f"{how}: exitcode {p.exitcode}")
    print("the parent is still here")
