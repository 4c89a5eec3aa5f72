"""Two processes send each other 4 MiB over a duplex Pipe.

Both call send() first, then recv(): each send fills the socket buffer and
blocks until the other side reads, which it never does. Sending on a thread
fixes it, as in the Rust version. Run: python3 big_exchange.py
"""
import multiprocessing as mp
import threading

SIZE = 4 << 20


def exchange(conn, outgoing):
    sending = threading.Thread(target=conn.send_bytes, args=(outgoing,))
    sending.start()
    incoming = conn.recv_bytes()
    sending.join()
    return incoming


def child(conn):
    got = exchange(conn, b"c" * SIZE)
    print(f"child: received {len(got)} bytes, all correct: {got == b'p' * SIZE}")


if __name__ == "__main__":
    parent_end, child_end = mp.Pipe()  # duplex: a socketpair
    peer = mp.Process(target=child, args=(child_end,))
    peer.start()
    child_end.close()
    got = exchange(parent_end, b"p" * SIZE)
    peer.join()
    print(f"parent: received {len(got)} bytes, all correct: {got == b'c' * SIZE}")
