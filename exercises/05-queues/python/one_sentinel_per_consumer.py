"""Two consumers and one sentinel: the second consumer never stops.

Run: python3 one_sentinel_per_consumer.py
"""
import multiprocessing as mp


def consumer(name, queue):
    taken = 0
    while queue.get() is not None:
        taken += 1
    print(f"{name} stopped after {taken} items", flush=True)


if __name__ == "__main__":
    queue = mp.Queue()
    consumers = [mp.Process(target=consumer, args=(f"consumer {n}", queue)) for n in range(2)]
    for c in consumers:
        c.start()
    for i in range(6):
        queue.put(i)
    queue.put(None)  # one sentinel... for two consumers
    for c in consumers:
        c.join(timeout=2)
    print("still waiting:", [c.name for c in consumers if c.is_alive()])
    queue.put(None)  # the missing sentinel
    for c in consumers:
        c.join()
    print("all stopped once each consumer had its own sentinel")
