"""Times the Python side of the book's benchmarks.

Every benchmark is a function `run(ops)` that does one operation `ops` times
and returns the seconds that took, measured with time.perf_counter around
the operations only (setup such as creating a pool happens before the clock
starts). The harness runs each one once to warm up, then `repeat` times, and
reports the median seconds per operation: the same shape as the Rust side,
where criterion's `iter_custom` gets the same kind of function.

    python3 harness.py            # full run, JSON on stdout, progress on stderr
    python3 harness.py --quick    # fewer operations and repeats
    python3 harness.py --only pipe
    python3 harness.py --list     # each benchmark's (ops, repeat), nothing run
"""
import argparse
import json
import platform
import statistics
import sys

import bench_pipes
import bench_pools
import bench_processes
import bench_queues
import bench_threads

# Processes, pipes and queues fork: they go before anything that starts
# threads which would still be alive at the fork (the thread pool).
MODULES = [bench_processes, bench_pipes, bench_queues, bench_threads, bench_pools]


def measure(run, ops, repeat):
    """Median seconds per operation over `repeat` timed runs of `ops` each."""
    run(max(1, ops // 10))  # warm up: imports, caches, a forkserver
    samples = [run(ops) / ops for _ in range(repeat)]
    return statistics.median(samples), samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer ops and repeats")
    parser.add_argument("--only", help="run only ids containing this text")
    parser.add_argument(
        "--list", action="store_true", help="print each benchmark's (ops, repeat), run nothing"
    )
    args = parser.parse_args()

    if args.list:
        listing = {
            bench.id: {"full": list(bench.full), "quick": list(bench.quick)}
            for module in MODULES
            for bench in module.BENCHMARKS
        }
        json.dump(listing, sys.stdout, indent=1)
        print()
        return

    results = {}
    for module in MODULES:
        for bench in module.BENCHMARKS:
            if args.only and args.only not in bench.id:
                continue
            ops, repeat = bench.quick if args.quick else bench.full
            median, samples = measure(bench.run, ops, repeat)
            results[bench.id] = {
                "seconds_per_op": median,
                "ops": ops,
                "repeat": repeat,
                "samples": samples,
            }
            print(f"{bench.id:32} {median * 1e6:14.3f} us/op", file=sys.stderr, flush=True)

    json.dump(
        {
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "results": results,
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
