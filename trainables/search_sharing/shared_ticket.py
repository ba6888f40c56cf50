"""A trial's ticket from the search its settings share with other trials of the sweep: the recording
made once (here, if no other trial has made it) and replayed with this trial's rule, ratios and ε."""

from __future__ import annotations

import json
import math

from trainables import adversarial
from trainables.earlyrobust.cost import CostMeter
from trainables.earlyrobust.search import SearchSettings, budget_steps, run_search
from trainables.earlyrobust.tickets import Ticket
from trainables.errors import DivergedError
from trainables.search_sharing.replay import replay
from trainables.search_sharing.search_keys import search_key
from trainables.search_sharing.sharing_policy import Coverage


def shared_ticket(trial, rule) -> Ticket | None:
    """The search recorded once for every trial with these search settings (recorded here if no other
    trial has), replayed with this trial's rule, ratios and ε (see `search_keys.py`).  None when the
    recording ends before this trial's replay converged and before the budget (it covered the space's
    grid, or training diverged after the grid's stops): then the trial searches alone, as online."""
    cfg = trial.cfg
    loader = trial.loader(trial.train, True)
    budget = budget_steps(cfg["search_epochs"], len(loader))

    def record() -> list:
        snapshots: list = []
        trial.clock.begin("recording")
        try:
            run_search(
                trial.fresh_model(),
                loader,
                SearchSettings.from_config(cfg),
                adversarial.from_config(cfg),
                trial.rule(),
                CostMeter(),
                trial.dev,
                on_check=lambda check: trial.report({"phase": "recording", "recording_epoch": check["epoch"]}, None),
                recording=snapshots,
                stop_on_convergence=False,
                enough=Coverage(trial.recordings.grid) if trial.recordings.grid else None,
            )
        except DivergedError:  # the checks recorded before it still hold for the trials that stop earlier
            pass
        return snapshots

    key = search_key(cfg)
    last = [-math.inf]

    def waiting(seconds: float) -> None:  # to Tune's table, at most every 30 s (each report waits for the driver)
        if seconds - last[0] >= 30:
            last[0] = seconds
            trial.report({"phase": "waiting", "waited_s": seconds}, None)

    recording, recorded_here = trial.recordings.get(key, record, waiting)
    if recorded_here:  # the recording's real cost, counted once in the sweep's total
        trial.state["recorded_search_flops"] = recording[-1].flops if recording else 0.0
    if not recording:
        return None
    result = replay(recording, cfg["head_ratio"], cfg["ffn_ratio"], rule, cfg["prune_scope"], cfg["ffn_multiple"])
    if not result.ticket.converged and recording[-1].step < budget:
        return None
    flops_at = {s.step: s.flops for s in recording}
    for check in result.checks:
        trial.report_check(check, flops_at.get(check["step"]))
    trial.cost.add("search", result.flops)  # this trial's own: what its online search would have spent
    trial.cost.seconds["search"] = trial.cost.seconds.get("search", 0.0) + result.seconds
    (trial.dir / "distances.json").write_text(json.dumps(result.checks))
    result.ticket.save(trial.dir / "ticket.json")
    last = result.checks[-1] if result.checks else {}
    trial.save_state(
        ticket=json.loads(result.ticket.to_json()),
        search_epochs=result.stop_epoch,
        mask_distance=max(last.get("head_window", math.nan), last.get("ffn_window", math.nan)),
        shared_search=key,
    )
    trial.report(trial.search_metrics(), trial.dir)
    return result.ticket
