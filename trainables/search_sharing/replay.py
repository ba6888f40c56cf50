"""Search once, draw many: the online convergence rule replayed on a recorded search.

The search's training never depends on the target ratios or on the rule's ε and window: those only
decide which mask is drawn and when the search stops.  So one search run with a `recording` (and
`stop_on_convergence=False`) holds, for any (head_ratio, ffn_ratio, ε, window), the ticket an online
search would have stopped with, its stop step and the search cost spent up to it (tested against
online runs).  The reference drew its tickets from recorded coefficients the same way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from trainables.convergence import ConvergenceRule
from trainables.earlyrobust.search import Snapshot, final_ticket
from trainables.earlyrobust.tickets import Ticket, draw_ticket


@dataclass
class Replayed:
    ticket: Ticket
    stop_step: int
    stop_epoch: float
    flops: float  # search FLOPs up to the stop
    seconds: float  # search wall clock up to the stop
    checks: list[dict] = field(default_factory=list)


def replay(
    recording: list[Snapshot],
    head_ratio: float,
    ffn_ratio: float,
    rule: ConvergenceRule,
    scope: str = "global",
    ffn_multiple: int = 1,
) -> Replayed:
    if not recording:
        raise ValueError("the recording is empty: run the search with recording=[] first")

    def draw(snap: Snapshot) -> Ticket:
        return draw_ticket(
            snap.heads,
            snap.ffn,
            head_ratio,
            ffn_ratio,
            scope,
            step=snap.step,
            epoch=snap.epoch,
            ffn_multiple=ffn_multiple,
        )

    checks, stop = [], recording[-1]
    for snap in recording:
        if not snap.check:
            continue
        checks.append(rule.update(draw(snap)))
        if rule.converged:
            stop = snap
            break
    budget_epochs = recording[-1].epoch
    ticket = final_ticket(rule, lambda: draw(recording[-1]), budget_epochs)
    ticket.extra["stopped_at_step"] = stop.step
    return Replayed(ticket, stop.step, stop.epoch, stop.flops, stop.seconds, checks)


def recording_to_json(recording: list[Snapshot]) -> str:
    """As JSON (nothing pickled): a recorded search can be replayed later without training again."""
    return json.dumps(
        [{**asdict(s), "heads": [h.tolist() for h in s.heads], "ffn": [f.tolist() for f in s.ffn]} for s in recording]
    )


def recording_from_json(text: str) -> list[Snapshot]:
    return [
        Snapshot(
            **{
                **r,
                "heads": [np.asarray(h, dtype=np.float32) for h in r["heads"]],
                "ffn": [np.asarray(f, dtype=np.float32) for f in r["ffn"]],
            }
        )
        for r in json.loads(text)
    ]


def save_recording(recording: list[Snapshot], path: str | Path) -> None:
    Path(path).write_text(recording_to_json(recording))


def load_recording(path: str | Path) -> list[Snapshot]:
    return recording_from_json(Path(path).read_text())
