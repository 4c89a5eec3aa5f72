"""64 KiB messages through a pipe from a child process to its parent."""
import multiprocessing
import os
import time

from benchmark import Benchmark

MESSAGE_BYTES = 64 * 1024
fork = multiprocessing.get_context("fork")


def start_sender(send, ops):
    """multiprocessing.Pipe(duplex=False) and a forked child that sends `ops`
    messages with send(writer, block). Returns the read end, the child and
    the time the clock started (before the pipe and the fork, as in Rust)."""
    block = b"\x5a" * MESSAGE_BYTES
    start = time.perf_counter()
    reader, writer = fork.Pipe(duplex=False)

    def sender():
        for _ in range(ops):
            send(writer, block)

    child = fork.Process(target=sender)
    child.start()
    writer.close()  # the parent's copy: only the child writes
    return reader, child, start


def finish(reader, child, start):
    child.join()
    elapsed = time.perf_counter() - start
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
    start = time.perf_counter()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        for _ in range(ops):
            sent = 0
            while sent < MESSAGE_BYTES:
                sent += os.write(write_fd, block[sent:])
        os._exit(0)
    os.close(write_fd)
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
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0
    assert received == ops, f"{received} of {ops} blocks arrived"
    return elapsed


BENCHMARKS = [
    Benchmark("pipe/send_bytes", send_bytes, full=(2000, 5), quick=(500, 3)),
    Benchmark("pipe/send_pickled", send_pickled, full=(2000, 5), quick=(500, 3)),
    Benchmark("pipe/os_write_read", os_write_read, full=(2000, 5), quick=(500, 3)),
]
