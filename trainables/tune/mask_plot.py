"""A trial's mask distances at each convergence check, as a picture (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_distances(
    checks: list[dict],
    out: str | Path,
    eps: float | None = None,
    title: str = "",
    marks: dict[str, float] | None = None,
    anchor_shift: float = 0.0,
) -> Path:
    """Mask distance (heads, FFN) at each convergence check, against the epoch; `marks` adds labelled
    vertical lines (e.g. where the rule fires for several ε) instead of the first `converged` check.
    `anchor_shift` (window x interval) plots each window's maximum at its candidate ticket's epoch."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    epochs = [c["epoch"] for c in checks]
    at = " at the candidate" if anchor_shift else ""
    for key, label in (
        ("head_window", f"heads (window max{at})"),
        ("ffn_window", f"FFN (window max{at})"),
        ("head_prev", "heads (vs previous)"),
        ("ffn_prev", "FFN (vs previous)"),
    ):
        shift = anchor_shift if "window" in key else 0.0
        ax.plot(
            [e - shift for e in epochs],
            [c[key] for c in checks],
            marker="o" if "window" in key else None,
            linestyle="-" if "window" in key else ":",
            label=label,
        )
    if eps is not None:
        ax.axhline(eps, color="grey", linestyle="--", label=f"ε = {eps:g}")
    stops = [c["epoch"] for c in checks if c.get("converged")]
    if marks is None and stops:
        marks = {"converged": stops[0]}
    for i, (label, epoch) in enumerate((marks or {}).items()):
        ax.axvline(epoch, color=f"C{4 + i}", alpha=0.6, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("normalised Hamming distance")
    ax.set_title(title or "ticket mask distance")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)
