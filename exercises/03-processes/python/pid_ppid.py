"""Who is whose parent: two child processes report their process ids.

The quick tour's example, written anew. The singer takes its arguments by
position and is a daemon; the dancer takes them by keyword. The output lines
are the tour's, so they can be compared with `cargo run -p processes --bin
pid_ppid`.

Run: python3 exercises/03-processes/python/pid_ppid.py
"""
import os
from multiprocessing import Process


def report(show_parent):
    """The lines every child prints first: its own id, maybe its parent's."""
    print("Child process ID:", os.getpid())
    if show_parent:
        print("Parent process ID:", os.getppid())


def sing(songs, singer_name):
    report(show_parent=True)
    for number in range(1, songs + 1):
        print(f"{singer_name} performing song... {number} time(s)")


def dance(count, performer):
    report(show_parent=False)
    print(f"{performer} dancing...\n" * count, end="")


def main():
    # flush: a forked child inherits unwritten output and would print it again.
    print("Main process ID:", os.getpid(), flush=True)
    children = {
        "singer": Process(target=sing, args=(3, "Ming"), daemon=True),
        "dancer": Process(target=dance, kwargs={"performer": "Xiaohong", "count": 2}),
    }
    for child in children.values():
        child.start()
    # A daemon child is terminated when the main program ends, perhaps in the
    # middle of a song: join both to hear everything (the Rust version does).
    for name in ("dancer", "singer"):
        children[name].join()


if __name__ == "__main__":
    main()
