"""A producer and a consumer process on one Queue; None tells the consumer to stop.

The multiprocessing guide's Queue example. Rust: `cargo run -p queues --bin producer_consumer`.
"""
from multiprocessing import Process, Queue

STOP = None  # the sentinel: no real item is ever None


def produce(items):
    for n in range(5):
        items.put(f"item {n}")
        print(f"Produced item {n}", flush=True)


def consume(items):
    for item in iter(items.get, STOP):  # get() until it returns the sentinel
        print(f"Consumed {item}", flush=True)


def main():
    items = Queue()  # created under __main__ and handed to both children
    producer = Process(target=produce, args=(items,))
    consumer = Process(target=consume, args=(items,))
    producer.start()
    consumer.start()
    producer.join()
    items.put(STOP)  # only after the last real item: one sentinel per consumer
    consumer.join()
    print(f"producer exit code {producer.exitcode}")
    print(f"consumer exit code {consumer.exitcode}")


if __name__ == "__main__":
    main()
