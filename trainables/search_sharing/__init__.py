"""Searches shared by the trials of a sweep: trials whose search settings are equal (`search_keys.py`)
share one search recorded over the budget, each replaying its own rule, ratios and ε on it
(`replay.py`), so a sweep pays for one search per setting instead of one per trial.

The public face, for the driver and the trial:
- `decide(space, mode, trainable, num_samples, max_concurrent)`: whether a sweep shares, and why
  (`sharing_policy.py`: when the expected saving is positive);
- `SearchClaims` (the small actor that grants each recording to one trial) and `replay_grid(space)`
  (what a recording must cover), which the driver hands to the trials (`claims.py`);
- `SharedRecordings` and `shared_ticket(trial, rule)`: a trial's ticket from the shared recording
  (`shared_ticket.py`);
- `sweep_flops(rows)`: the sweep's real training cost, each shared search counted once.
"""

from trainables.search_sharing.claims import SearchClaims, SharedRecordings
from trainables.search_sharing.search_keys import search_key, shareable, sweep_flops
from trainables.search_sharing.shared_ticket import shared_ticket
from trainables.search_sharing.sharing_policy import decide, replay_grid

__all__ = [
    "SearchClaims",
    "SharedRecordings",
    "decide",
    "replay_grid",
    "search_key",
    "shareable",
    "shared_ticket",
    "sweep_flops",
]
