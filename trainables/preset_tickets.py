"""A trial that starts from a given ticket instead of searching: its state record written before it runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

from trainables.earlyrobust import checkpoint as ckpt
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.tickets import Ticket


def preset_ticket(
    workdir: str | Path,
    ticket: Ticket,
    search_epochs: float = 0.0,
    search_flops: float = 0.0,
    search_seconds: float = 0.0,
    mask_distance: float = math.nan,
) -> None:
    """Make a trial start from a given ticket instead of searching (with `ft_init: pretrained`): the
    random-ticket control, or a ticket replayed from a recorded search with the cost it spent.  A folder
    that already holds a trial's state is left alone, so that the trial resumes."""
    folder = Path(workdir)
    folder.mkdir(parents=True, exist_ok=True)
    if ckpt.read_state(folder):
        return
    cost = CostMeter({"search": search_flops}, {"search": search_seconds})
    ckpt.write_state(
        folder,
        ticket=json.loads(ticket.to_json()),
        search_epochs=search_epochs,
        mask_distance=mask_distance,
        cost=cost.to_dict(),
    )
