"""ASHA compares trials on their fine-tune epochs: a real trial's report sequence (the smoke sweep's
Tune `result.json`) replayed through the scheduler the sweep builds, for trials of known accuracy."""

import json
import math
from types import SimpleNamespace

import pytest

from platform.sweep_tuner import scheduler
from trainables.tune.tune_reports import complete


def reports(folder) -> list[dict]:
    """One trial's reports to Tune, in order, as the trainable sent them."""
    result = next((folder / "s" / "e2e").glob("*/result.json"))
    return [json.loads(line) for line in result.read_text().splitlines()]


def replay(sequence: list[dict], accuracies: list[float]) -> list[str]:
    """Each trial sends `sequence` one after another (max_concurrent 1) with its own eval_acc; the
    scheduler's decision for each trial: STOP if any report was told to stop."""
    asha = scheduler(SimpleNamespace(scheduler="asha"))
    decisions = []
    for k, accuracy in enumerate(accuracies):
        trial = SimpleNamespace(trial_id=f"t{k}")
        asha.on_trial_add(None, trial)
        actions = set()
        for report in sequence:
            if math.isfinite(report.get("eval_acc", math.nan)):
                report = {**report, "eval_acc": accuracy}
            actions.add(asha.on_trial_result(None, trial, report))
            if "STOP" in actions:
                break
        decisions.append("STOP" if "STOP" in actions else "CONTINUE")
    return decisions


@pytest.mark.slow
def test_asha_stops_the_weaker_trials_of_a_real_report_sequence(smoke_sweep):
    sequence = reports(smoke_sweep["folder"])
    first_epoch = next(i for i, r in enumerate(sequence) if r["phase"] == "finetune")
    assert first_epoch >= 3, "the trial reports before fine-tuning (started, its convergence checks, searched)"
    assert all(r["ft_epoch"] == 0 for r in sequence[:first_epoch]), "ASHA's clock stands still until fine-tuning"
    assert replay(sequence, [0.9, 0.5, 0.4, 0.3]) == ["CONTINUE", "STOP", "STOP", "STOP"]
    # what the trainable sent before the fix: NaN on ASHA's clock until fine-tuning files each trial at every
    # rung with a NaN score, and no real score is ever compared
    nan_clock = [{**r, "ft_epoch": math.nan} if i < first_epoch else r for i, r in enumerate(sequence)]
    assert replay(nan_clock, [0.9, 0.5, 0.4, 0.3]) == ["CONTINUE"] * 4


def test_every_report_carries_a_finite_asha_clock():
    assert complete({"phase": "search"})["ft_epoch"] == 0.0
    assert complete({"phase": "finetune", "ft_epoch": 2, "eval_acc": 0.7})["ft_epoch"] == 2
