"""`platform.compare`'s plots: every trial's mask distances, the Pareto front, the champion's ticket."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from trainables.tune.mask_plot import plt


def plot_distances_all(curves: dict, out: str | Path) -> Path:
    """Every trial's window mask distance (max of heads and FFN) against the epoch, with its ε."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (trial, (checks, eps)) in enumerate(sorted(curves.items())):
        color = f"C{i % 10}"
        dist = [max(c["head_window"], c["ffn_window"]) for c in checks]
        ax.plot([c["epoch"] for c in checks], dist, marker=".", color=color, label=f"{trial} (ε={eps:.2g})")
        if isinstance(eps, float):
            ax.axhline(eps, color=color, linestyle=":", linewidth=0.8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mask distance (window max)")
    ax.set_title("Ticket convergence per trial (dotted: each trial's ε)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)


def plot_pareto(rows: list[dict], front: list[bool], out: str | Path) -> Path:
    """Aua (with its 95% interval as an error bar) against training FLOPs, colour = parameter
    sparsity, the Pareto front circled."""
    fig, ax = plt.subplots(figsize=(6, 4))
    nan = float("nan")
    pts = [
        (
            r["train_flops"],
            r["aua"],
            r.get("param_sparsity", nan),
            f,
            r.get("aua_ci_low", nan),
            r.get("aua_ci_high", nan),
        )
        for r, f in zip(rows, front)
        if r["train_flops"] == r["train_flops"] and r["aua"] == r["aua"]
    ]
    if pts:
        bars = [p for p in pts if p[4] == p[4] and p[5] == p[5]]
        if bars:
            ax.errorbar(
                [p[0] for p in bars],
                [p[1] for p in bars],
                fmt="none",
                ecolor="grey",
                elinewidth=1,
                capsize=3,
                yerr=[[p[1] - p[4] for p in bars], [p[5] - p[1] for p in bars]],
                label="95% interval",
                zorder=1,
            )
        sc = ax.scatter([p[0] for p in pts], [p[1] for p in pts], c=[p[2] for p in pts], cmap="viridis", s=50, zorder=2)
        fig.colorbar(sc, ax=ax, label="param_sparsity")
        on = sorted((p for p in pts if p[3]), key=lambda p: p[0])
        ax.scatter(
            [p[0] for p in on],
            [p[1] for p in on],
            facecolors="none",
            edgecolors="red",
            s=160,
            label="Pareto front",
            zorder=3,
        )
        ax.legend(fontsize=8)
    ax.set_xlabel("training FLOPs")
    ax.set_ylabel("aua (accuracy under attack), selection split")
    ax.set_title("Robustness against training cost")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)


def plot_champion(ticket: dict, out: str | Path, trial: str = "", bins: int = 32) -> Path:
    """Per-layer heat-maps of the champion's kept heads and kept FFN neurons (fraction per bin)."""
    layers = len(ticket["num_heads"])
    heads = np.zeros((layers, max(ticket["num_heads"])))
    for layer, kept in enumerate(ticket["heads"]):
        heads[layer, kept] = 1.0
    ffn = np.zeros((layers, bins))
    for layer, (kept, size) in enumerate(zip(ticket["neurons"], ticket["ffn_sizes"])):
        mask = np.zeros(size)
        mask[kept] = 1.0
        ffn[layer] = [chunk.mean() for chunk in np.array_split(mask, bins)]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5), gridspec_kw={"width_ratios": [1, 2]})
    a.imshow(heads, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    a.set_title("kept heads")
    a.set_xlabel("head")
    a.set_ylabel("layer")
    im = b.imshow(ffn, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    b.set_title(f"kept FFN neurons (fraction per {bins} bins)")
    b.set_xlabel("neuron bin")
    fig.colorbar(im, ax=b)
    fig.suptitle(
        f"Champion ticket {trial}: {1 - ticket_fraction(ticket['heads'], ticket['num_heads']):.0%} of heads, "
        f"{1 - ticket_fraction(ticket['neurons'], ticket['ffn_sizes']):.0%} of FFN neurons pruned"
    )
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)


def ticket_fraction(kept: list[list[int]], sizes: list[int]) -> float:
    return sum(map(len, kept)) / sum(sizes)
