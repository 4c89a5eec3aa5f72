"""The thread pools of Python's standard library, and an exception in a task.

Run: python3 thread_pool.py
"""
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool


def square(x):
    return x * x


def fussy(x):
    if x == 7:
        raise ValueError(f"no sevens please, got {x}")
    return x


if __name__ == "__main__":
    numbers = [1, 2, 3, 4, 5]
    with ThreadPool(2) as pool:  # the Pool API, on threads: no pickling
        print("ThreadPool.map         ", pool.map(square, numbers))
        print("a lambda is fine here  ", pool.map(lambda x: x + 10, numbers))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool-worker") as executor:
        print("ThreadPoolExecutor.map ", list(executor.map(square, numbers)))
        try:
            list(executor.map(fussy, range(10)))
        except ValueError as e:
            print("the task's exception   ", repr(e))
