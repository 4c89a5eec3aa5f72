"""How a throughput benchmark is timed: the process start stays outside the clock.

The same method as the Rust side (tools/bench/src/steady.rs): the child is
forked first and waits at a start line; the clock starts when the parent
lets it go and stops when the parent has taken the last message; joining the
child comes after. Starting processes is measured on its own
(bench_processes.py).
"""
import contextlib
import multiprocessing
import os

fork = multiprocessing.get_context("fork")


def start_at_line(work, *args):
    """Forks a multiprocessing child that calls work(*args) once released.
    Returns (process, go): call go() right after starting the clock."""
    ready = fork.Event()
    released = fork.Event()

    def child():
        ready.set()
        released.wait()
        work(*args)

    process = fork.Process(target=child)
    process.start()
    if not ready.wait(timeout=60):
        process.kill()
        raise RuntimeError("the child never reached the start line")
    return process, released.set


@contextlib.contextmanager
def one_cpu():
    """Keeps this process, and the children it forks meanwhile, on the CPU it
    runs on now, as the Rust side's one_cpu does for the pipe rows."""
    before = os.sched_getaffinity(0)
    cpu = next(iter(before))
    try:
        import ctypes

        cpu = ctypes.CDLL(None).sched_getcpu()
    except (OSError, AttributeError):
        pass
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
