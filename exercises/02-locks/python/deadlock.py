"""Two opposite transfers that deadlock every time, detected from the main thread.

Run: python3 exercises/02-locks/python/deadlock.py [--ordered]
"""
import sys
import threading

balances = {1: 100, 2: 100}
locks = {1: threading.Lock(), 2: threading.Lock()}
meet = threading.Barrier(2)
ordered = "--ordered" in sys.argv


# ANCHOR: transfer
def transfer(who, source, target, amount):
    first, second = (min(source, target), max(source, target)) if ordered else (source, target)
    if ordered:
        meet.wait()
    with locks[first]:
        print(f"{who}: locked account {first}")
        if not ordered:
            meet.wait()  # both threads hold one lock each
        print(f"{who}: waiting for account {second}")
        with locks[second]:
            balances[source] -= amount
            balances[target] += amount
            print(f"{who}: moved {amount} from account {source} to account {target}")


if __name__ == "__main__":
    threads = [
        threading.Thread(target=transfer, args=("alice", 1, 2, 10), daemon=True),
        threading.Thread(target=transfer, args=("bob", 2, 1, 20), daemon=True),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2)  # join() with a timeout returns either way...
    if any(t.is_alive() for t in threads):  # ...so ask whether it really ended
        print("DEADLOCK: no progress for 2 s; fix: lock accounts in one global order")
        sys.exit(1)  # the stuck threads are daemons: the interpreter does not wait for them
    print(f"done: account 1 holds {balances[1]}, account 2 holds {balances[2]}")
# ANCHOR_END: transfer
