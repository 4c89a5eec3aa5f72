"""Getting a result, or an exception, back from a thread. Run: python3 thread_results.py"""
from concurrent.futures import ThreadPoolExecutor


def parse(text):
    return int(text.strip())


if __name__ == "__main__":
    # threading.Thread has no way to hand back a return value or an exception:
    # use concurrent.futures, whose Future.result() gives both.
    with ThreadPoolExecutor() as pool:
        print(f"12 squared on a thread: {pool.submit(lambda x: x * x, 12).result()}")
        for text in ["42", "4x2"]:
            future = pool.submit(parse, text)
            try:
                print(f"parsed {text!r}: {future.result()}")
            except ValueError as error:  # raised again here, in the caller
                print(f"the parser thread raised: {error}")
    print("main: still running")
