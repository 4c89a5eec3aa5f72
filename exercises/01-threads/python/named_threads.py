"""Named threads, and a thread that raises. Run: python3 named_threads.py"""
import threading


def report_name():
    name = threading.current_thread().name
    print(f"hello from {name}")
    return name  # lost: Thread.join() returns None


def audit():
    raise ValueError("the ledger does not balance")


if __name__ == "__main__":
    report_name()  # the main thread is called "MainThread"
    loader = threading.Thread(target=report_name, name="ledger-loader")
    anonymous = threading.Thread(target=report_name)  # gets a made-up name, "Thread-1 (report_name)"
    loader.start()
    anonymous.start()
    loader.join()
    anonymous.join()

    auditor = threading.Thread(target=audit, name="auditor")
    auditor.start()
    auditor.join()  # returns None: the traceback went to stderr, and that is all
    print("main: join() returned; it cannot tell us whether the auditor failed")
