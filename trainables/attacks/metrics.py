"""The paper's metrics over N attacked examples (skipped = already misclassified, counted in N),
each proportion with its 95% Wilson score interval.

Clean = (succeeded + failed) / N, Aua = failed / N, Suc = (Clean - Aua) / Clean,
avg_queries = mean queries over the succeeded and failed examples (TextAttack's "Avg num queries").
"""
from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval of a binomial proportion (NaN, NaN for n = 0)."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def summarize(statuses: list[str], queries: list[int]) -> dict:
    n = len(statuses)
    succeeded, failed = statuses.count("succeeded"), statuses.count("failed")
    if n == 0:
        nan = float("nan")
        return {"n": 0, "clean_acc": nan, "aua": nan, "suc": nan, "avg_queries": nan, "aua_ci_low": nan,
                "aua_ci_high": nan, "clean_acc_ci_low": nan, "clean_acc_ci_high": nan}
    clean, aua = (succeeded + failed) / n, failed / n
    attacked = [q for s, q in zip(statuses, queries) if s != "skipped"]
    aua_ci, clean_ci = wilson(failed, n), wilson(succeeded + failed, n)
    return {"n": n, "succeeded": succeeded, "failed": failed, "skipped": statuses.count("skipped"),
            "clean_acc": clean, "aua": aua, "suc": (clean - aua) / clean if clean else float("nan"),
            "avg_queries": sum(attacked) / len(attacked) if attacked else float("nan"),
            "aua_ci_low": aua_ci[0], "aua_ci_high": aua_ci[1],
            "clean_acc_ci_low": clean_ci[0], "clean_acc_ci_high": clean_ci[1]}
