"""A worker killed with SIGKILL: Pool.map never returns.

The task for 3 kills its own worker, as the out-of-memory killer would. The
pool starts a replacement worker, but the chunk the dead one held is lost,
and map() waits for its result for ever. We ask with a timeout so that the
program ends; pool.map(...) itself has none.

Run: python3 pool_hang.py
"""
import multiprocessing
import os
import signal


def square_or_die(x):
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print("workers before:", sorted(p.pid for p in pool._pool))
        pending = pool.map_async(square_or_die, range(1, 9))
        try:
            print(pending.get(timeout=5))
        except multiprocessing.TimeoutError:
            print("no result after 5 seconds: map() would wait for ever")
        print("workers after: ", sorted(p.pid for p in pool._pool))
    # Leaving the with block calls pool.terminate(), which does end the workers.
