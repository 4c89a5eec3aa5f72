"""start, is_alive, terminate, kill, join, exitcode."""
import multiprocessing
import sys
import time


def returns_three():
    sys.exit(3)


def sleeps():
    while True:
        time.sleep(1)


if __name__ == "__main__":
    quits = multiprocessing.Process(target=returns_three)
    quits.start()
    quits.join()
    print("returns 3    exitcode", quits.exitcode)
    for how in ["terminate", "kill"]:
        p = multiprocessing.Process(target=sleeps)
        p.start()
        assert p.is_alive()
        getattr(p, how)()
        p.join()
        print(f"{how + '()':<12} exitcode {p.exitcode}")
