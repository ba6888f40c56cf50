"""What Tune's table shows while a trial runs: phase, position in each phase, time left, outcome; a
real tiny trial (no Ray) reporting through the pipeline's own hook."""
import re

from trainables.earlyrobust.pipeline import run_trial
from trainables.earlyrobust.progress import Progress, duration

CONFIG = {"model": "tiny-bert", "dataset": "sst2", "train_size": 256, "eval_size": 32, "batch_size": 32,
          "max_length": 24, "lr": 1e-3, "ft_lr": 1e-3, "adv_steps": 1, "search_epochs": 1.0, "check_interval": 0.25,
          "conv_window": 2, "conv_eps": 1e-6, "ft_epochs": 2, "attack": "deepwordbug", "attack_n": 8}


def test_a_trial_reports_its_progress_without_nan(tmp_path):
    reports = []
    run_trial(CONFIG, tmp_path, lambda metrics, folder: reports.append(metrics))
    phases = [r["phase"] for r in reports]
    assert phases[0] == "started" and phases[-1] == "done"
    order = ["search", "searched", "finetune", "attack", "done"]
    firsts = [phases.index(p) for p in order]
    assert firsts == sorted(firsts), phases
    for report in reports:
        shown = {k: report[k] for k in Progress.COLUMNS}
        assert all(isinstance(v, str) and "nan" not in v for v in shown.values()), shown
    search = [r for r in reports if r["phase"] == "search"]
    assert search[0]["search"] == "0.25/1, first mask"
    assert re.fullmatch(r"[01]\.\d\d/1, \d\.\d{3}", search[-1]["search"]), search[-1]["search"]
    assert all(r["eta"] == "measuring" or r["eta"].endswith("+ attack") for r in search)
    assert [r["finetune"][:3] for r in reports if r["phase"] == "finetune"] == ["1/2", "2/2"]
    attacked = [int(r["attack"].split("/")[0]) for r in reports if r["phase"] == "attack"]
    assert attacked == sorted(attacked) and attacked[-1] == 8
    assert all(r["attack"].endswith("/8") for r in reports if r["phase"] == "attack")
    done = reports[-1]
    assert done["eta"] == "0s" and re.fullmatch(r"\d\.\d{3} \[\d\.\d\d, \d\.\d\d\]", done["outcome"])
    assert done["search"].startswith("stopped at") and done["finetune"].startswith("2/2")


def test_durations_read_like_a_clock():
    assert [duration(s) for s in (0, 9.6, 75, 3599, 3725)] == ["0s", "10s", "1m15s", "59m59s", "1h02m"]
