"""The paper's metrics over N attacked examples (skipped = already misclassified, counted in N),
each proportion with its 95% Wilson score interval.

Clean = (succeeded + failed) / N, Aua = failed / N, Suc = (Clean - Aua) / Clean,
avg_queries = mean queries over the succeeded and failed examples (TextAttack's "Avg num queries").
"""

from __future__ import annotations

import hashlib
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
        return {
            "n": 0,
            "clean_acc": nan,
            "aua": nan,
            "suc": nan,
            "avg_queries": nan,
            "aua_ci_low": nan,
            "aua_ci_high": nan,
            "clean_acc_ci_low": nan,
            "clean_acc_ci_high": nan,
        }
    clean, aua = (succeeded + failed) / n, failed / n
    attacked = [q for s, q in zip(statuses, queries) if s != "skipped"]
    aua_ci, clean_ci = wilson(failed, n), wilson(succeeded + failed, n)
    return {
        "n": n,
        "succeeded": succeeded,
        "failed": failed,
        "skipped": statuses.count("skipped"),
        "clean_acc": clean,
        "aua": aua,
        "suc": (clean - aua) / clean if clean else float("nan"),
        "avg_queries": sum(attacked) / len(attacked) if attacked else float("nan"),
        "aua_ci_low": aua_ci[0],
        "aua_ci_high": aua_ci[1],
        "clean_acc_ci_low": clean_ci[0],
        "clean_acc_ci_high": clean_ci[1],
    }


def paired_difference(a: dict[int, str], b: dict[int, str], z: float = Z95) -> dict:
    """Aua(a) - Aua(b) over the examples both attacked (index -> status), with a 95% interval from
    the paired differences (each example robust or not under both): the right comparison for two
    models attacked on the same sentences, much tighter than two separate intervals."""
    common = sorted(set(a) & set(b))
    n = len(common)
    if n == 0:
        return {"n": 0, "diff": math.nan, "low": math.nan, "high": math.nan, "separable": False}
    d = [(a[i] == "failed") - (b[i] == "failed") for i in common]
    mean = sum(d) / n
    var = sum((x - mean) ** 2 for x in d) / (n - 1) if n > 1 else 0.0
    half = z * math.sqrt(var / n)
    return {
        "n": n,
        "diff": mean,
        "low": mean - half,
        "high": mean + half,
        "separable": not mean - half <= 0 <= mean + half,
    }


def verdict(name_a: str, name_b: str, diff: dict) -> str:
    """One sentence saying whether a beats b on Aua, by how much, or that the sample cannot tell."""
    span = f"{100 * diff['diff']:+.1f} points [95% CI {100 * diff['low']:+.1f}, {100 * diff['high']:+.1f}], n={diff['n']} paired"
    if not diff["separable"]:
        return f"{name_a} vs {name_b}: {span}: the sample cannot separate them"
    return f"{name_a} {'beats' if diff['diff'] > 0 else 'is beaten by'} {name_b}: {span}"


def robust_bits(rows: list[dict]) -> str:
    """A trial's per-example outcome in one short string, for paired comparisons between trials:
    `<sample>:<n>:<hex>`, the sample's identity (a hash of the attacked rows' indices, in order) and one
    bit per example (1 = robust: every attack failed on it)."""
    return _bits(rows, lambda r: r["status"] == "failed")


def clean_bits(rows: list[dict]) -> str:
    """As `robust_bits`, one bit per example for clean accuracy (1 = classified right before any attack)."""
    return _bits(rows, lambda r: r["status"] != "skipped")


def _bits(rows: list[dict], good) -> str:
    sample = hashlib.sha256(",".join(str(r["index"]) for r in rows).encode()).hexdigest()[:12]
    bits = "".join("1" if good(r) else "0" for r in rows)
    pad = -len(bits) % 4
    return f"{sample}:{len(bits)}:" + (f"{int(bits + '0' * pad, 2):0{(len(bits) + pad) // 4}x}" if bits else "")


def _decode(encoded: str) -> tuple[str, list[int]] | None:
    try:
        sample, n, hexa = encoded.split(":")
        n = int(n)
        bits = bin(int(hexa, 16))[2:].zfill(len(hexa) * 4)[:n] if n else ""
        return sample, [int(b) for b in bits]
    except (AttributeError, ValueError):
        return None


def paired_bits(a: str, b: str, z: float = Z95) -> dict | None:
    """`paired_difference` of two trials' `robust_bits` (or `clean_bits`); None unless both were attacked on
    the same sample."""
    x, y = _decode(a), _decode(b)
    if x is None or y is None or x[0] != y[0] or len(x[1]) != len(y[1]):
        return None
    as_status = {True: "failed", False: "succeeded"}
    return paired_difference(
        {i: as_status[bool(v)] for i, v in enumerate(x[1])}, {i: as_status[bool(v)] for i, v in enumerate(y[1])}, z
    )
