"""A daemon child, and a parent that waits for stdin to close.

Close stdin (Ctrl-D) and the daemon is terminated. Kill the parent with
`kill -9 <parent pid>` instead and the daemon lives on, an orphan."""
import multiprocessing
import os
import sys
import time


def forever():
    while True:
        time.sleep(1)


if __name__ == "__main__":
    daemon = multiprocessing.Process(target=forever, daemon=True)
    daemon.start()
    print("parent pid:", os.getpid())
    print("daemon child pid:", daemon.pid, flush=True)
    sys.stdin.read()
    print("parent: exiting normally; multiprocessing terminates the daemon")
