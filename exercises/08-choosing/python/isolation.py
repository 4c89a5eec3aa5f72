"""The same crash on a thread and in a child process.

The Python counterpart of `cargo run -p choosing --bin crash_isolation`:
`python3 isolation.py [abort-in-thread]`.
"""
import multiprocessing
import os
import sys
import threading


def job_raises():
    raise RuntimeError("the job gives up")


if __name__ == "__main__":
    if sys.argv[1:] == ["abort-in-thread"]:
        print("abort in a thread: here goes", flush=True)
        t = threading.Thread(target=os.abort)
        t.start()
        t.join()
        print("abort in a thread: joined")  # never printed
    else:
        t = threading.Thread(target=job_raises)
        t.start()
        t.join()  # returns normally: the exception was printed, then dropped
        print("exception in a thread: join returned None")
        p = multiprocessing.get_context("fork").Process(target=os.abort)
        p.start()
        p.join()
        print(f"abort in a child process: exitcode {p.exitcode}")
    print("main carried on")
