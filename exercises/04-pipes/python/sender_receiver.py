"""The Pipe example: a sender process and a receiver process.

Run: python3 sender_receiver.py
"""
import multiprocessing as mp


def sender(conn):
    conn.send("Hello from sender")  # pickle + 4-byte length header
    conn.close()


def receiver(conn):
    print(f"Received: {conn.recv()}")


if __name__ == "__main__":
    # Pipe() is duplex by default: a socketpair on Unix. Pipe(duplex=False)
    # would be a real one-way pipe, as in the Rust version.
    receiving_end, sending_end = mp.Pipe(duplex=False)
    sender_process = mp.Process(target=sender, args=(sending_end,))
    receiver_process = mp.Process(target=receiver, args=(receiving_end,))
    sender_process.start()
    receiver_process.start()
    # The parent's own copies: close them, or a receiver that loops until
    # EOFError would wait for ever (see eof_leak.py).
    sending_end.close()
    receiving_end.close()
    sender_process.join()
    receiver_process.join()
    print(f"sender exit code {sender_process.exitcode}")
    print(f"receiver exit code {receiver_process.exitcode}")
