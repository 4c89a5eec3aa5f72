"""Start a thread, then wait for it. Run: python3 spawn_join.py"""
import threading


def print_numbers():
    for i in range(1, 11):
        print(i)


if __name__ == "__main__":
    thread = threading.Thread(target=print_numbers)
    thread.start()  # a Thread does nothing until start()
    thread.join()
    print("main: the printing thread has finished")
