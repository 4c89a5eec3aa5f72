"""A daemon thread that never stops, and a joined one. Run: python3 daemon_threads.py"""
import threading
import time

BEAT = 0.2


def sing_forever(on_stage):
    print("Singing...")
    on_stage.set()
    while True:
        time.sleep(BEAT)
        print("Singing...")


def dance(times):
    for _ in range(times):
        print("Dancing...")
        time.sleep(BEAT)


if __name__ == "__main__":
    on_stage = threading.Event()
    # daemon=True: the interpreter will not wait for this thread at exit.
    threading.Thread(target=sing_forever, args=(on_stage,), daemon=True).start()
    on_stage.wait()
    dancer = threading.Thread(target=dance, args=(5,))
    dancer.start()
    dancer.join()
    print("main: the dancer is done; returning while the singer sings")
    # Without daemon=True above, the interpreter would join the singer here,
    # at exit, and the program would never end.
