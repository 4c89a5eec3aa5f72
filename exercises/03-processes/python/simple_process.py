"""One child process counts from 1 to 5; the parent waits for it, then says so.

The multiprocessing guide's first example. Rust: `cargo run -p processes --bin simple_process`.
"""
from multiprocessing import Process


def count_to_five():
    for number in range(1, 6):
        print(number)


def main():
    child = Process(target=count_to_five)
    child.start()  # from here on the child counts on its own
    child.join()  # the parent blocks until the child has exited
    print("Process finished execution")


if __name__ == "__main__":  # a spawned child re-imports this file: start nothing then
    main()
