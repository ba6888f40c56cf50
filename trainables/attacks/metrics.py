"""The paper's metrics over N attacked examples (skipped = already misclassified, counted in N).

Clean = (succeeded + failed) / N, Aua = failed / N, Suc = (Clean - Aua) / Clean,
avg_queries = mean queries over the succeeded and failed examples (TextAttack's "Avg num queries").
"""
from __future__ import annotations


def summarize(statuses: list[str], queries: list[int]) -> dict:
    n = len(statuses)
    succeeded, failed = statuses.count("succeeded"), statuses.count("failed")
    if n == 0:
        return {"n": 0, "clean_acc": float("nan"), "aua": float("nan"), "suc": float("nan"), "avg_queries": float("nan")}
    clean, aua = (succeeded + failed) / n, failed / n
    attacked = [q for s, q in zip(statuses, queries) if s != "skipped"]
    return {"n": n, "succeeded": succeeded, "failed": failed, "skipped": statuses.count("skipped"),
            "clean_acc": clean, "aua": aua, "suc": (clean - aua) / clean if clean else 0.0,
            "avg_queries": sum(attacked) / len(attacked) if attacked else 0.0}
