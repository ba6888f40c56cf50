"""Plots people would rather see than read (matplotlib, headless)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_distances(checks: list[dict], out: str | Path, eps: float | None = None, title: str = "") -> Path:
    """Mask distance (heads, FFN) at each convergence check, against the epoch."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    epochs = [c["epoch"] for c in checks]
    for key, label in (("head_window", "heads (window max)"), ("ffn_window", "FFN (window max)"),
                       ("head_prev", "heads (vs previous)"), ("ffn_prev", "FFN (vs previous)")):
        ax.plot(epochs, [c[key] for c in checks], marker="o" if "window" in key else None,
                linestyle="-" if "window" in key else ":", label=label)
    if eps is not None:
        ax.axhline(eps, color="grey", linestyle="--", label=f"ε = {eps:g}")
    stops = [c["epoch"] for c in checks if c.get("converged")]
    if stops:
        ax.axvline(stops[0], color="red", alpha=0.4, label="converged")
    ax.set_xlabel("epoch")
    ax.set_ylabel("normalised Hamming distance")
    ax.set_title(title or "ticket mask distance")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)
