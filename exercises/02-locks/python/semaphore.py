"""threading.Semaphore: at most 3 of 8 threads inside at once.

Run: python3 exercises/02-locks/python/semaphore.py
"""
import threading

permits = threading.Semaphore(3)
count_lock = threading.Lock()
inside = 0
most_inside = 0


def use_a_connection(rounds):
    global inside, most_inside
    for _ in range(rounds):
        with permits:  # acquire() ... release(), even on an exception
            with count_lock:
                inside += 1
                most_inside = max(most_inside, inside)
            with count_lock:
                inside -= 1


if __name__ == "__main__":
    threads = [threading.Thread(target=use_a_connection, args=(1_000,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"at most {most_inside} threads were inside at once (limit 3)")
    # Nothing ties a release to an acquire: this "gives back" a permit nobody took.
    permits.release()
    print("an extra release() was accepted: the semaphore now has 4 permits")
