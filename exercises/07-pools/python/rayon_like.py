"""The nearest Python has to rayon's par_iter: a process pool's map.

Threads would not help: square() holds the GIL (before free-threaded 3.13t).

Run: python3 rayon_like.py
"""
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


if __name__ == "__main__":
    with ProcessPoolExecutor() as executor:  # one process per core
        squares = list(executor.map(square, range(100_000), chunksize=1000))
    print(len(squares), squares[:5], squares[-1])
