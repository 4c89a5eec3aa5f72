"""The quick tour: two children print their pid and their parent's pid.

One child gets positional arguments, the other keyword arguments; the
singer is a daemon, so Python terminates it when the main program ends."""
import multiprocessing
import os


def vocal_performance(count, artist):
    print("Child process ID:", os.getpid())
    print("Parent process ID:", os.getppid())
    for i in range(count):
        print(f"{artist} performing song... {i + 1} time(s)")


def movement_routine(count, performer):
    print("Child process ID:", os.getpid())
    for _ in range(count):
        print(f"{performer} dancing...")


if __name__ == "__main__":
    print("Main process ID:", os.getpid(), flush=True)
    singer = multiprocessing.Process(target=vocal_performance, args=(3, "Ming"))
    singer.daemon = True
    dancer = multiprocessing.Process(
        target=movement_routine, kwargs={"count": 2, "performer": "Xiaohong"}
    )
    singer.start()
    dancer.start()
    dancer.join()
    singer.join()  # without it, the singer is terminated at exit, maybe mid-song
