"""The tutorial's Pool.map(square, numbers), and where each task ran.

Run: python3 pool_map.py
"""
import multiprocessing
import os


def square(x):
    return x * x


def worker_pid(_):
    return os.getpid()


if __name__ == "__main__":
    numbers = [1, 2, 3, 4, 5]
    with multiprocessing.Pool(2) as pool:
        print("Pool.map ", pool.map(square, numbers))
        print("  ran in ", pool.map(worker_pid, numbers), f"(parent {os.getpid()})")
