"""What Tune's table shows while a trial runs: phase, position in each phase, time left, outcome; a
real tiny trial (no Ray) reporting raw numbers through the pipeline's own hook, shown by the driver's
Progress as the live table does."""

import re

from platform.trial_progress import Progress
from trainables.config import validate_config
from trainables.phase_clock import duration
from trainables.pipeline import run_trial

CONFIG = {
    "model": "tiny-bert",
    "dataset": "sst2",
    "train_size": 256,
    "eval_size": 32,
    "batch_size": 32,
    "max_length": 24,
    "lr": 1e-3,
    "ft_lr": 1e-3,
    "adv_steps": 1,
    "search_epochs": 1.0,
    "check_interval": 0.25,
    "conv_window": 2,
    "conv_eps": 1e-6,
    "ft_epochs": 2,
    "attack": "deepwordbug",
    "attack_n": 8,
}


def test_a_trial_reports_its_progress_without_nan(tmp_path):
    raw = []
    run_trial(CONFIG, tmp_path, lambda metrics, folder: raw.append(metrics))
    assert not [r for r in raw if any(isinstance(r.get(k), str) and k != "phase" for k in Progress.COLUMNS)], (
        "the trial reports numbers; the driver formats them"
    )
    progress = Progress(validate_config(CONFIG))
    reports = [{**r, **progress.columns(r)} for r in raw]
    phases = [r["phase"] for r in reports]
    assert phases[0] == "started" and phases[-1] == "done"
    order = ["search", "searched", "finetune", "attack", "done"]
    firsts = [phases.index(p) for p in order]
    assert firsts == sorted(firsts), phases
    for report in reports:
        shown = {k: report[k] for k in Progress.COLUMNS}
        assert all(isinstance(v, str) and "nan" not in v for v in shown.values()), shown
    search = [r for r in reports if r["phase"] == "search"]
    assert search[0]["search"] == "0.25/1", "no distance at the first check"
    assert re.fullmatch(r"[01]\.\d\d/1, \d\.\d{3}", search[-1]["search"]), search[-1]["search"]
    assert all(r["eta"] == "measuring" or r["eta"].endswith("+ attack") for r in search)
    assert [r["finetune"][:3] for r in reports if r["phase"] == "finetune"] == ["1/2", "2/2"]
    attacked = [int(r["attack"].split("/")[0]) for r in reports if r["phase"] == "attack"]
    assert attacked == sorted(attacked) and attacked[-1] == 8
    assert all(r["attack"].endswith("/8") for r in reports if r["phase"] == "attack")
    assert not [r for r in reports[:-1] if r["eta"] == "0s"], "no 0s while work remains"
    done = reports[-1]
    assert done["eta"] == "done" and re.fullmatch(r"\d\.\d{3} \[\d\.\d\d, \d\.\d\d\]", done["outcome"])
    assert done["search"].startswith(("stop ", "budget ")) and done["finetune"].startswith("2/2")


def test_durations_read_like_a_clock():
    assert [duration(s) for s in (0, 9.6, 75, 3599, 3725)] == ["0s", "10s", "1m15s", "59m59s", "1h02m"]


def test_time_left_waits_for_a_rate_and_shared_searches_show_their_state():
    p = Progress(validate_config({**CONFIG, "attack_n": 400}))
    began = {"phase": "attack", "attack_total": 400, "phase_from": 0}  # the trial began the attack at 0
    # the first example after 0.2 s: too soon for a rate
    assert p.columns({**began, "attack_done": 1, "phase_s": 0.2})["eta"] == "measuring"
    # 10 s for 50 examples: 0.2 s each, 350 left
    assert p.columns({**began, "attack_done": 50, "phase_s": 10.0})["eta"] == "1m10s"
    shown = p.columns({"phase": "recording", "recording_epoch": 0.25, "phase_from": 0, "phase_s": 30.0})
    assert shown["search"] == "rec 0.25/1" and shown["eta"].endswith("+ attack") and shown["eta"] != "0s"
    shown = p.columns({"phase": "waiting", "waited_s": 95})
    assert shown["search"] == "wait 1m35s" and shown["eta"] == "after rec."
