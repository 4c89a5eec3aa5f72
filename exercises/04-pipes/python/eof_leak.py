"""EOFError arrives only when every copy of the sending end is closed.

Run: python3 eof_leak.py
"""
import multiprocessing as mp


def writer(conn):
    for n in range(3):
        conn.send(n)
    conn.close()


def drain(conn):
    got = []
    while conn.poll(1.0):  # wait at most 1 s for data or end of file
        try:
            got.append(conn.recv())
        except EOFError:
            return got, "end of file"
    return got, "no end of file after 1 s: a sending end is still open"


if __name__ == "__main__":
    mp.set_start_method("fork")
    for forget in (False, True):
        receiving_end, sending_end = mp.Pipe(duplex=False)
        child = mp.Process(target=writer, args=(sending_end,))
        child.start()
        child.join()
        if not forget:
            sending_end.close()  # the line that is easy to forget
        print("parent forgets to close:" if forget else "parent closes its copy:", *drain(receiving_end))
        sending_end.close()
        receiving_end.close()
