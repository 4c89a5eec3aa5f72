"""The Queue example: a producer, a consumer, and a None sentinel.

Run: python3 producer_consumer.py
"""
import multiprocessing as mp


def producer(queue):
    for i in range(5):
        queue.put(f"item {i}")
        print(f"Produced item {i}", flush=True)


def consumer(queue):
    while True:
        item = queue.get()
        if item is None:  # the sentinel
            break
        print(f"Consumed {item}", flush=True)


if __name__ == "__main__":
    queue = mp.Queue()  # made here, under __main__, and passed to the children
    producer_process = mp.Process(target=producer, args=(queue,))
    consumer_process = mp.Process(target=consumer, args=(queue,))
    producer_process.start()
    consumer_process.start()
    producer_process.join()
    queue.put(None)  # one sentinel for the one consumer
    consumer_process.join()
    print(f"producer exit code {producer_process.exitcode}")
    print(f"consumer exit code {consumer_process.exitcode}")
