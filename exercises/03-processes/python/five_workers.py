"""Five worker processes: all started first, then all waited for.

The multiprocessing guide's workflow example. Rust: `cargo run -p processes --bin five_workers`.
"""
import os
from multiprocessing import Process


def report(worker_number):
    print(f"Worker: {worker_number} (pid {os.getpid()})")


def main():
    workers = [Process(target=report, args=(n,)) for n in range(5)]
    for child in workers:
        child.start()  # all five run at once: none is waited for yet
    for child in workers:
        child.join()  # joining inside the loop above would run them one by one
    print("All processes finished execution")
    print("exit codes:", [child.exitcode for child in workers])


if __name__ == "__main__":
    main()
