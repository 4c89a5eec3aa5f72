"""Python's three start methods. Run: python3 start_methods.py"""
import multiprocessing
import os

BALANCE = 100


def show(method):
    print(f"{method:>10}: child {os.getpid()} sees BALANCE = {BALANCE}")


if __name__ == "__main__":
    print("default start method:", multiprocessing.get_start_method())
    BALANCE = 150  # set at run time, after the module was imported
    for method in ["fork", "spawn", "forkserver"]:
        ctx = multiprocessing.get_context(method)
        p = ctx.Process(target=show, args=(method,))
        p.start()
        p.join()
