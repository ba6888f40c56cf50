"""What a trial reports of its search: each convergence check, and the searched ticket (from its state)."""

from __future__ import annotations

import math

from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.tickets import Ticket


def check_metrics(record: dict, train_flops: float) -> dict:
    """One convergence check: the mask distance over the rule's window (the previous mask's early on)."""
    window = max(record["head_window"], record["ffn_window"])
    dist = window if not math.isnan(window) else max(record["head_prev"], record["ffn_prev"])
    return {
        "phase": "search",
        "mask_distance": dist,
        "search_epoch": record["epoch"],
        "mask_distance_head": record["head_window"],
        "mask_distance_ffn": record["ffn_window"],
        "train_flops": train_flops,
    }


def searched_metrics(state: dict, cost: CostMeter) -> dict:
    """The search's outcome as the trial's state records it (a dense trial: no ticket, nothing pruned)."""
    t = Ticket(**state["ticket"]) if "ticket" in state else None
    return {
        "phase": "searched",
        "head_sparsity": t.head_sparsity if t else 0.0,
        "ffn_sparsity": t.ffn_sparsity if t else 0.0,
        "search_stop_epoch": state.get("search_epochs", 0.0),
        "mask_distance": state.get("mask_distance", math.nan),
        "converged": float(bool(t and t.converged)),
        "param_sparsity": state.get("param_sparsity", math.nan),
        "search_flops": cost.flops.get("search", 0.0),
        "search_shared": float("shared_search" in state),
        "recorded_search_flops": state.get("recorded_search_flops", 0.0),
        "train_flops": cost.train_flops,
        "train_seconds": cost.train_seconds,
    }
