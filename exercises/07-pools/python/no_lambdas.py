"""Pool pickles the task function, by name, for every chunk: even with fork.

Run: python3 no_lambdas.py
"""
import multiprocessing

OFFSET = 10


def add_offset(x):
    return x + OFFSET  # a module-level function: pickled as "__main__.add_offset"


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(add_offset, [1, 2, 3]))
        try:
            pool.map(lambda x: x + OFFSET, [1, 2, 3])
        except Exception as e:
            print(f"{type(e).__name__}: {e}")
