"""64 KiB messages through a pipe from a child process to its parent."""
import os
import time

from benchmark import Benchmark
from steady import fork, one_cpu, start_at_line

MESSAGE_BYTES = 64 * 1024


def start_sender(send, ops):
    """multiprocessing.Pipe(duplex=False) and a forked child, waiting at the
    start line, that sends `ops` messages with send(writer, block). Returns
    the read end, the child and the time the clock started (after the fork,
    as in Rust: the figure is the transfer alone)."""
    block = b"\x5a" * MESSAGE_BYTES
    reader, writer = fork.Pipe(duplex=False)

    def sender():
        for _ in range(ops):
            send(writer, block)

    child, go = start_at_line(sender)
    writer.close()  # the parent's copy: only the child writes
    start = time.perf_counter()
    go()
    return reader, child, start


def finish(reader, child, start):
    elapsed = time.perf_counter() - start
    child.join()
    reader.close()
    assert child.exitcode == 0, f"the sender ended with {child.exitcode}"
    return elapsed


def send_bytes(ops):
    """Connection.send_bytes / recv_bytes: a 4-byte length, then the bytes."""
    reader, child, start = start_sender(lambda writer, block: writer.send_bytes(block), ops)
    for _ in range(ops):
        assert len(reader.recv_bytes()) == MESSAGE_BYTES
    return finish(reader, child, start)


def send_pickled(ops):
    """Connection.send / recv: the same, with the bytes object pickled."""
    reader, child, start = start_sender(lambda writer, block: writer.send(block), ops)
    for _ in range(ops):
        assert len(reader.recv()) == MESSAGE_BYTES
    return finish(reader, child, start)


def os_write_read(ops):
    """The floor in Python: os.write in the child, readinto one reused
    buffer in the parent, no header, no pickle."""
    block = memoryview(b"\x5a" * MESSAGE_BYTES)
    buffer = bytearray(MESSAGE_BYTES)
    read_fd, write_fd = os.pipe()
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        os.close(ready_r)
        os.close(go_w)
        os.write(ready_w, b"1")  # at the start line
        if os.read(go_r, 1) != b"1":
            os._exit(2)
        for _ in range(ops):
            sent = 0
            while sent < MESSAGE_BYTES:
                sent += os.write(write_fd, block[sent:])
        os._exit(0)
    os.close(write_fd)
    os.close(ready_w)
    os.close(go_r)
    assert os.read(ready_r, 1) == b"1", "the child died before the start line"
    os.close(ready_r)
    start = time.perf_counter()
    os.write(go_w, b"1")
    os.close(go_w)
    received = 0
    with open(read_fd, "rb", buffering=0) as reader:
        view = memoryview(buffer)
        while True:
            filled = 0
            while filled < MESSAGE_BYTES:
                n = reader.readinto(view[filled:])
                if n == 0:
                    break
                filled += n
            if filled < MESSAGE_BYTES:
                break
            received += 1
    elapsed = time.perf_counter() - start
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert received == ops, f"{received} of {ops} blocks arrived"
    return elapsed


def pinned(run):
    """run(ops) with both processes on one CPU (steady.one_cpu)."""

    def on_one_cpu(ops):
        with one_cpu():
            return run(ops)

    return on_one_cpu


BENCHMARKS = [
    Benchmark("pipe/send_bytes", pinned(send_bytes), full=(2000, 5), quick=(2000, 3)),
    Benchmark("pipe/send_pickled", pinned(send_pickled), full=(2000, 5), quick=(2000, 3)),
    Benchmark("pipe/os_write_read", pinned(os_write_read), full=(2000, 5), quick=(2000, 3)),
]
