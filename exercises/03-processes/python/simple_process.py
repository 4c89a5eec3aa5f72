"""The multiprocessing guide, example 1: a process that prints 1 to 5."""
import multiprocessing


def print_numbers():
    for i in range(1, 6):
        print(i)


if __name__ == "__main__":
    process = multiprocessing.Process(target=print_numbers)
    process.start()
    process.join()
    print("Process finished execution")
