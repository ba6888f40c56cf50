"""The equal-epoch view of `time_to_robustness.py`: every arm at the end of its fine-tuning (or dense
training) epochs, its training cost against dense FreeLB's for the same epochs, and the paired Aua
differences that say which arms the sample can tell apart.

Equal epochs cap the ratio by construction (K = 5 and a ticket at ~0.68 of the dense cost per epoch
give at most 5 / 0.68 ~ 7.4x even with a free search); the time-to-target view removes the cap.
"""

from __future__ import annotations

import math

from trainables.attacks.attack_stats import paired_difference, verdict, wilson

REFERENCE = "dense_freelb"
PAIRS = [
    ("dense_freelb", "dense_ce"),
    ("dense_pgd", "dense_ce"),
    ("earlyrobust", "random_ticket"),
    ("earlyrobust", "dense_freelb"),
    ("earlyrobust", "dense_pgd"),
    ("earlyrobust_ft_pgd", "dense_pgd"),
    ("earlyrobust", "dense_ce"),
]


def paper_schedule(er: dict, ref: dict, cfg: dict, search_epochs: float = 0.45, epochs: int = 10) -> dict:
    """The speed-up this run's per-epoch costs imply at the paper's schedule: search stopped at 0.45
    epoch (ticket at 0.2 + a 5-check window of 0.05), 10 epochs of ticket CE, vs 10 of dense FreeLB.
    `er`/`ref`: the trials' final states (their `cost` per phase and `search_epochs`)."""
    out = {}
    e = cfg["ft_epochs"]
    for kind in ("flops", "seconds"):
        search = er["cost"][kind]["search"] / er["search_epochs"]
        ticket, dense = er["cost"][kind]["finetune"] / e, ref["cost"][kind]["finetune"] / e
        out[kind] = epochs * dense / (search_epochs * search + epochs * ticket)
    return out


def view(results: dict[str, dict], statuses: dict[str, dict[int, str]], budgets: dict[str, str]) -> tuple[list, str]:
    """Rows (one per arm: `results[arm]` is the trial's final result dict) and the paired verdicts."""
    ref = results.get(REFERENCE)
    rows = []
    for arm, r in results.items():
        final = statuses[arm]
        n = len(final)
        robust, correct = (sum(s == "failed" for s in final.values()), sum(s != "skipped" for s in final.values()))
        rows.append(
            {
                "arm": arm,
                "budget": budgets[arm],
                "train_flops": r["train_flops"],
                "train_s": r["train_seconds"],
                "flops_speedup_vs_freelb": ref["train_flops"] / r["train_flops"] if ref else math.nan,
                "wall_speedup_vs_freelb": ref["train_seconds"] / r["train_seconds"] if ref else math.nan,
                "clean_acc": correct / n,
                "aua": robust / n,
                "aua_ci_low": wilson(robust, n)[0],
                "aua_ci_high": wilson(robust, n)[1],
                "n": n,
                "dev_acc": r["eval_acc"],
                "heads_pruned": r["head_sparsity"],
                "ffn_pruned": r["ffn_sparsity"],
                "params_pruned": r["param_sparsity"],
            }
        )
    lines = [
        f"- {verdict(a, b, paired_difference(statuses[a], statuses[b]))}"
        for a, b in PAIRS
        if a in statuses and b in statuses
    ]
    return rows, "Paired differences in Aua at the end of training (same sentences, 95% CI):\n\n" + "\n".join(lines)
