"""Starting and joining a child process, every way Python has."""
import multiprocessing
import os
import subprocess
import time

from benchmark import Benchmark


def nothing():
    pass


def start_join(method):
    context = multiprocessing.get_context(method)

    def run(ops):
        start = time.perf_counter()
        for _ in range(ops):
            child = context.Process(target=nothing)
            child.start()
            child.join()
            assert child.exitcode == 0, f"the empty child ended with {child.exitcode}"
        return time.perf_counter() - start

    return run


def os_fork(ops):
    """The floor under multiprocessing's fork: the three system calls."""
    start = time.perf_counter()
    for _ in range(ops):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - start


def subprocess_true(ops):
    start = time.perf_counter()
    for _ in range(ops):
        subprocess.run(["/bin/true"], check=True)
    return time.perf_counter() - start


BENCHMARKS = [
    Benchmark("process/mp_fork", start_join("fork"), full=(200, 5), quick=(50, 3)),
    Benchmark("process/mp_forkserver", start_join("forkserver"), full=(50, 5), quick=(10, 3)),
    Benchmark("process/mp_spawn", start_join("spawn"), full=(10, 3), quick=(3, 1)),
    Benchmark("process/os_fork", os_fork, full=(200, 5), quick=(50, 3)),
    Benchmark("process/subprocess_true", subprocess_true, full=(100, 5), quick=(30, 3)),
]
