"""The table a sweep prints while it runs, made to fit a 120-column terminal: one row per trial with its
short id, the searched parameters (short names, 3 significant digits), and what the trial shows of its
progress (`trial_progress.py`, fed every report by `FollowProgress`).  Tune's own table adds the node address and long
headers and runs to ~250 columns; this one drops what says nothing on one node.  Used by the driver."""

from __future__ import annotations

from collections import Counter

from ray.tune import Callback, CLIReporter

from platform.trial_progress import Progress
from trainables.config import validate_config

WIDTH = 120
SHORT = {
    "head_ratio": "heads",
    "ffn_ratio": "ffn",
    "conv_eps": "eps",
    "conv_window": "window",
    "adv_lr": "adv_lr",
    "adv_steps": "K",
    "adv_max_norm": "norm",
    "adv_init_mag": "init",
    "lr": "lr",
    "ft_lr": "ft_lr",
}
STATUS = {"PENDING": "pending", "RUNNING": "started", "PAUSED": "paused", "TERMINATED": "done", "ERROR": "error"}


def cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "–" if value in (None, "") else str(value)


def fit(header: list[str], rows: list[list[str]], width: int = WIDTH) -> str:
    """Columns two spaces apart (one when that is what fits), widest cells cut with … past `width`."""
    cols = [[h, *(r[i] for r in rows)] for i, h in enumerate(header)]
    widths = [max(map(len, c)) for c in cols]
    gap = 2 if sum(widths) + 2 * (len(widths) - 1) <= width else 1
    while sum(widths) + gap * (len(widths) - 1) > width and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1

    def cut(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "…"

    lines = [
        (" " * gap).join(cut(c[k], w).ljust(w) for c, w in zip(cols, widths)).rstrip() for k in range(len(rows) + 1)
    ]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def render_live(trials: list[dict], varied: list[str], width: int = WIDTH) -> str:
    """`trials`: dicts with `id`, `status` (Tune's), `config` and `result` (the last report)."""
    header = ["trial", *(SHORT.get(k, k) for k in varied), *Progress.COLUMNS.values()]
    rows = []
    for t in trials:
        result = t.get("result") or {}
        shown = [cell(result.get(k)) for k in Progress.COLUMNS]
        if shown[0] == "–" or t["status"] in ("ERROR", "PENDING"):
            shown[0] = STATUS.get(t["status"], t["status"].lower())
        rows.append([t["id"][-8:], *(cell(t["config"].get(k)) for k in varied), *shown])
    return fit(header, rows, width)


class FollowProgress(Callback):
    """Every report of every trial, as it arrives, into that trial's `Progress`: what the table shows."""

    def __init__(self):
        self.progress: dict[str, Progress] = {}
        self.shown: dict[str, dict] = {}

    def on_trial_result(self, iteration, trials, trial, result, **info):
        if trial.trial_id not in self.progress:
            self.progress[trial.trial_id] = Progress(validate_config(trial.config))
        self.shown[trial.trial_id] = self.progress[trial.trial_id].columns(result)


class LiveReporter(CLIReporter):
    """Tune's CLI reporter (its timing and triggers) printing `render_live`'s table of what `follow` saw."""

    def __init__(self, varied: list[str], follow: FollowProgress, **kwargs):
        super().__init__(metric_columns=Progress.COLUMNS, parameter_columns=varied, **kwargs)
        self.varied, self.follow = list(varied), follow

    def report(self, trials, done: bool, *sys_info) -> None:
        counts = Counter(STATUS.get(t.status, t.status.lower()) for t in trials)
        rows = [
            {"id": t.trial_id, "status": t.status, "config": t.config, "result": self.follow.shown.get(t.trial_id, {})}
            for t in trials
        ]
        print(
            f"\n{len(trials)} trials ("
            + ", ".join(f"{n} {s}" for s, n in counts.items())
            + ")\n"
            + render_live(rows, self.varied),
            flush=True,
        )
