"""Two threads printing at their own pace. Run: python3 sing_and_dance.py"""
import threading
import time

BEAT = 0.2


def sing(times):
    for _ in range(times):
        print("Singing...")
        time.sleep(BEAT)


def dance(times):
    for _ in range(times):
        print("Dancing...")
        time.sleep(BEAT)


if __name__ == "__main__":
    singer = threading.Thread(target=sing, args=(3,))
    dancer = threading.Thread(target=dance, kwargs={"times": 5})
    singer.start()
    dancer.start()
    singer.join()
    dancer.join()
    print("main: the show is over")
