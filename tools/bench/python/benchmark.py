"""The record every bench_*.py module lists its benchmarks with."""
from dataclasses import dataclass
from typing import Callable, Tuple


@dataclass
class Benchmark:
    id: str  # the same id as the Rust side's results, "group/name"
    run: Callable[[int], float]  # run(ops) -> seconds for ops operations
    full: Tuple[int, int]  # (ops, repeat) of a full run
    quick: Tuple[int, int]  # (ops, repeat) of a --quick run
