"""Search-efficiency benchmark: hypervolume bookkeeping, the sweep's sampler, and a tiny end-to-end run of
every method over two seeds."""

import csv
import math

import pytest

import search_efficiency as se
from trainables.tune.sampler import make_sampler, startup_trials


def test_hypervolume_of_known_points():
    # one perfect point (aua 1, sparsity 1, no FLOPs) fills the box up to the reference (1, 1, 1.1)
    assert se.hypervolume_curve([(1.0, 1.0, 0.0)], 1.0) == [pytest.approx(1.1)]
    # (aua 0.5, sparsity 0.5, flops 0.5 of the scale): a 0.5 x 0.5 x 0.6 box
    curve = se.hypervolume_curve([(0.5, 0.5, 5.0), (0.4, 0.4, 6.0), (0.9, 0.1, 5.0)], 10.0)
    assert curve[0] == pytest.approx(0.5 * 0.5 * 0.6)
    assert curve[1] == curve[0], "a dominated trial adds nothing"
    assert curve[2] > curve[1]
    assert se.trials_to_reach(curve, curve[2]) == 3 and se.trials_to_reach(curve, curve[0]) == 1
    assert se.trials_to_reach(curve, 10.0) == math.inf


def test_grid_spans_the_space():
    g = se.grid(3)
    assert set(g) == set(se.SPACE)
    for k, (lo, hi) in se.SPACE.items():
        assert g[k][0] == lo and g[k][-1] == hi and len(g[k]) == 3


def test_the_sweeps_sampler_follows_its_size():
    assert [startup_trials(n) for n in (1, 4, 9, 16, 40, 400)] == [2, 2, 2, 4, 10, 10]
    sampler = make_sampler(0, 16)
    assert sampler._n_startup_trials == 4 and sampler._constant_liar


@pytest.mark.slow
def test_tiny_run_compares_the_methods_over_seeds(tmp_path):
    se.main(
        [
            "--scale",
            "tiny",
            "--grid",
            "3",
            "--seeds",
            "0",
            "1",
            "--work",
            str(tmp_path / "w"),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    with open(tmp_path / "out" / "search_efficiency_tiny.csv") as f:
        rows = {r["method"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"optuna", "tpe_default", "random", "grid"}
    assert all(r["budget"] == "9" and r["seeds"] == "2" for r in rows.values())
    assert float(rows["grid"]["final_hv_sd"]) == pytest.approx(0.0, abs=1e-12), (
        "the grid's points do not depend on the seed"
    )
    with open(tmp_path / "out" / "search_efficiency_tiny_seeds.csv") as f:
        seeds = list(csv.DictReader(f))
    assert len(seeds) == 8 and all(
        1 <= float(s["trials_to_reach_grid_final"]) <= 9 for s in seeds if s["method"] == "grid"
    )
    with open(tmp_path / "out" / "search_efficiency_tiny_trials.csv") as f:
        trials = list(csv.DictReader(f))
    assert len(trials) == 72
    grid_sparsities = {round(float(t["param_sparsity"]), 6) for t in trials if t["method"] == "grid"}
    assert len(grid_sparsities) >= 4, "the grid's ratios must give different tickets"
    random0 = [t["aua"] + t["param_sparsity"] for t in trials if t["method"] == "random" and t["seed"] == "0"]
    default0 = [t["aua"] + t["param_sparsity"] for t in trials if t["method"] == "tpe_default" and t["seed"] == "0"]
    assert random0 == default0, "with 9 trials, TPE's 10 random start-up trials are the random sampler's"
    assert (tmp_path / "out" / "search_efficiency_tiny.png").stat().st_size > 5000
    assert (tmp_path / "w" / "recording.json").exists()


def test_too_small_a_grid_is_refused(capsys):
    with pytest.raises(SystemExit) as e:
        se.main(["--scale", "tiny", "--grid", "1"])
    assert e.value.code == 2 and "--grid 1" in capsys.readouterr().err
