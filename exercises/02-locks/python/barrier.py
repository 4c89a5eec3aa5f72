"""threading.Barrier: every worker stores its partial sum before any adds them up.

Run: python3 exercises/02-locks/python/barrier.py
"""
import threading

# ANCHOR: worker
WORKERS, N = 4, 1_000
partials = [None] * WORKERS
barrier = threading.Barrier(WORKERS)
totals = [None] * WORKERS


def worker(w):
    partials[w] = sum(k for k in range(1, N + 1) if k % WORKERS == w)
    print(f"worker {w}: stored its partial sum")
    barrier.wait()  # returns 0..WORKERS-1; Rust names one "leader" instead
    totals[w] = sum(partials)
    print(f"worker {w}: added up all partial sums")
# ANCHOR_END: worker


if __name__ == "__main__":
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"totals: {totals} (expected {N * (N + 1) // 2} each)")
