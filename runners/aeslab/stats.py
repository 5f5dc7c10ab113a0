"""The one resampling both noise floors use: `aeslab noise` (A/A runs) and
the reports' in-run floor (a run's own repetitions)."""
from __future__ import annotations

import math
import random
import statistics


def percentile(xs: list[float], q: float) -> float:
    """The q-quantile of xs, linearly interpolated between order statistics."""
    xs = sorted(xs)
    if not xs:
        return 0.0
    k = (len(xs) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def median_diff_floor(logs: list[float], k: int, replace: bool, draws: int = 20000,
                      seed: int = 1) -> float:
    """95th percentile, in %, of the difference between the medians of two
    sets of k values drawn from `logs` (natural logs of throughputs): drawn
    without replacement (two disjoint sets of real runs) or with it (from a
    pool of deviations).  A fixed seed makes the figure repeatable."""
    rng = random.Random(seed)
    diffs = []
    for _ in range(draws):
        d = [rng.choice(logs) for _ in range(2 * k)] if replace else rng.sample(logs, 2 * k)
        diffs.append(abs(statistics.median(d[:k]) - statistics.median(d[k:])))
    return 100 * (math.exp(percentile(diffs, 0.95)) - 1)
