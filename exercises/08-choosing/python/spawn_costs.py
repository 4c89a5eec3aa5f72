"""What it costs to start and wait for a thread, a forked process and a
process started with "spawn" (a fresh interpreter).

The Python counterpart of `cargo run -p choosing --bin spawn_costs --release`.
"""
import multiprocessing
import sys
import threading
import time


def nothing():
    pass


def mean_us(start_and_wait, runs):
    started = time.perf_counter()
    for _ in range(runs):
        start_and_wait()
    return (time.perf_counter() - started) / runs * 1e6


def thread_once():
    t = threading.Thread(target=nothing)
    t.start()
    t.join()


def process_once(context):
    def once():
        p = context.Process(target=nothing)
        p.start()
        p.join()
    return once


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(f"{'thread: start + join':<30} {mean_us(thread_once, runs):8.1f} µs each")
    fork = process_once(multiprocessing.get_context("fork"))
    print(f"{'process (fork): start + join':<30} {mean_us(fork, runs):8.1f} µs each")
    spawn = process_once(multiprocessing.get_context("spawn"))
    print(f"{'process (spawn): start + join':<30} {mean_us(spawn, max(1, runs // 10)):8.1f} µs each")
