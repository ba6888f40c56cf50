"""The end-of-sweep table and the champion rule under uncertainty."""
import math

import pytest

from platform import summary


def row(trial, aua, lo, hi, sparsity, flops=1.0, run_id="r"):
    return {"trial": trial, "status": "done", "run_id": run_id + trial, "aua": aua, "aua_ci_low": lo,
            "aua_ci_high": hi, "param_sparsity": sparsity, "train_flops": flops}


def test_the_champion_is_the_sparsest_trial_the_sample_cannot_tell_from_the_best():
    rows = [row("best", 0.40, 0.35, 0.45, 0.20), row("close", 0.37, 0.32, 0.42, 0.35),
            row("sparse-but-worse", 0.20, 0.16, 0.34, 0.60), row("dense", 0.39, 0.34, 0.44, 0.05)]
    table = summary.build_table(rows, [], "aua")
    assert list(table["pareto"]) == ["*", "", "", ""]
    assert summary.champion(rows, table)["trial"] == "close"


def test_without_an_interval_the_best_front_trial_wins_and_unfinished_trials_never_do():
    rows = [row("a", 0.30, math.nan, math.nan, 0.2), row("b", 0.25, math.nan, math.nan, 0.5),
            {**row("c", 0.9, 0.8, 1.0, 0.9), "run_id": None}]
    table = summary.build_table(rows, [], "aua")
    assert summary.champion(rows, table)["trial"] == "a"
    assert summary.champion([], summary.build_table([], [], "aua")) is None


def test_the_table_people_read_shows_each_aua_with_its_interval(tmp_path):
    rows = [{**row("a", 0.3, 0.25, 0.35, 0.2), "report_aua": 0.28, "report_aua_ci_low": 0.23, "report_aua_ci_high": 0.33},
            row("b", 0.2, 0.15, 0.25, 0.3)]
    table = summary.build_table(rows, [], "aua")
    text = summary.render(table)
    assert "aua [95% CI]" in text and "0.300 [0.25, 0.35]" in text and "0.280 [0.23, 0.33]" in text
    md, csv = summary.write(table, tmp_path)
    assert "held-out report split" in md.read_text() and "aua_ci_low" in csv.read_text().splitlines()[0]
    assert summary.display(table)["report_aua [95% CI]"].tolist()[1] == "nan"


@pytest.mark.parametrize("objective", ["aua", "multi"])
def test_the_champion_is_on_the_front_or_tied_with_it(objective):
    rows = [row("x", 0.5, 0.45, 0.55, 0.1, flops=3.0), row("y", 0.48, 0.43, 0.53, 0.4, flops=1.0),
            row("z", 0.3, 0.25, 0.35, 0.4, flops=2.0)]
    table = summary.build_table(rows, [], objective)
    assert summary.champion(rows, table)["trial"] == "y"
