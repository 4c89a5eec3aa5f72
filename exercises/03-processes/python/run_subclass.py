"""The multiprocessing guide, example 2: a Process subclass that overrides run().

What run() changes happens in the child's copy of the object."""
import multiprocessing


# ANCHOR: main
class PrintNumbersProcess(multiprocessing.Process):
    def __init__(self, start_at, end_at):
        super().__init__()
        self.start_at, self.end_at, self.printed = start_at, end_at, 0

    def run(self):
        for i in range(self.start_at, self.end_at + 1):
            print(i)
            self.printed += 1


if __name__ == "__main__":
    process = PrintNumbersProcess(1, 5)
    process.start()
    process.join()
    print("Process finished execution")
    print(f"exitcode {process.exitcode}; the parent's copy says {process.printed}")
# ANCHOR_END: main
