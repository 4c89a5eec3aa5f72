"""Positional and keyword arguments for a thread. Run: python3 arguments.py"""
import threading


def sing(repetitions):
    for i in range(1, repetitions + 1):
        print(f"Singing... ({i}/{repetitions})")


def dance(performer="Xiaohong", step="twirl", repetitions=2):
    for i in range(1, repetitions + 1):
        print(f"{performer} dancing a {step}... ({i}/{repetitions})")


if __name__ == "__main__":
    singer = threading.Thread(target=sing, args=(3,))
    dancer = threading.Thread(target=dance, kwargs={"repetitions": 5})
    singer.start()
    dancer.start()
    singer.join()
    dancer.join()
    print("main: both threads have finished")
