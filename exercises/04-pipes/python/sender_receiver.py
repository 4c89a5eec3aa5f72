"""One process sends a greeting through a pipe; another prints what arrives.

The multiprocessing guide's Pipe example, written anew. Run it with
python3 exercises/04-pipes/python/sender_receiver.py
"""
from multiprocessing import Pipe, Process

GREETING = "Hello from sender"


def send_greeting(write_end):
    # send() pickles the string and writes a length, then the bytes.
    write_end.send(GREETING)
    write_end.close()


def print_greeting(read_end):
    message = read_end.recv()
    print("Received:", message)


def main():
    # Pipe() alone would give two duplex ends (a socket pair on Unix); with
    # duplex=False it is a one-way pipe, like the Rust version's.
    read_end, write_end = Pipe(duplex=False)
    workers = [
        ("sender", Process(target=send_greeting, args=(write_end,))),
        ("receiver", Process(target=print_greeting, args=(read_end,))),
    ]
    for _, process in workers:
        process.start()
    # Each child has its own copy of the end it uses now. Closing ours means
    # the receiver would see end-of-file if the sender died (eof_leak.py).
    write_end.close()
    read_end.close()
    for _, process in workers:
        process.join()
    for name, process in workers:
        print(f"{name} exit code {process.exitcode}")


if __name__ == "__main__":
    main()
