"""The training-efficiency benchmark at tiny scale: every arm is a real trial, the FLOP accounting of
the arms is consistent, the random control has the searched ticket's sparsity, and a rerun resumes."""
import csv
import time

import pytest
from bench_helpers import run_tiny

import training_efficiency


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_tiny(training_efficiency.main, tmp_path_factory, "tra")


def rows(root):
    with open(root / "out" / "training_efficiency_tiny_cpu.csv") as f:
        return {r["arm"]: r for r in csv.DictReader(f)}


def test_every_arm_is_reported_with_consistent_costs(run):
    r = rows(run)
    assert list(r) == list(training_efficiency.ARMS)
    flops = {arm: float(row["train_flops"]) for arm, row in r.items()}
    # same tokens in the same order: FreeLB K=5 costs 5 training passes per step, CE 1, PGD 5 ascent passes
    # (forward + input gradient: 2/3 of a training pass on the linear layers, all of it on attention) + 1
    assert flops["dense_freelb"] == pytest.approx(5 * flops["dense_ce"], rel=1e-9)
    assert 1 + 5 * 2 / 3 < flops["dense_pgd"] / flops["dense_ce"] < 6
    assert flops["random_ticket"] < flops["dense_ce"], "a pruned model costs less per token"
    assert flops["random_ticket"] < flops["earlyrobust"] < flops["dense_freelb"]
    for arm, row in r.items():
        assert float(row["flops_speedup_vs_freelb"]) == pytest.approx(flops["dense_freelb"] / flops[arm], rel=1e-3)
        assert 0.0 <= float(row["aua"]) <= float(row["clean_acc"]) <= 1.0
    assert r["random_ticket"]["params_pruned"] == r["earlyrobust"]["params_pruned"] != "0.0"
    assert float(r["dense_ce"]["params_pruned"]) == 0.0
    md = (run / "out" / "training_efficiency_tiny_cpu.md").read_text()
    assert "fewer training FLOPs" in md and "Machine:" in md and "paper's schedule" in md


def test_a_rerun_on_the_same_folder_resumes_instead_of_training_again(run, tmp_path):
    before = rows(run)
    start = time.perf_counter()
    training_efficiency.main(["--scale", "tiny", "--work", str(run / "w"), "--out", str(tmp_path)])
    with open(tmp_path / "training_efficiency_tiny_cpu.csv") as f:
        after = {r["arm"]: r for r in csv.DictReader(f)}
    for arm in before:
        assert after[arm]["train_flops"] == before[arm]["train_flops"]
        assert after[arm]["aua"] == before[arm]["aua"]
    assert time.perf_counter() - start < 60


def test_bad_arms_and_parameters_get_one_line(capsys):
    with pytest.raises(SystemExit) as e:
        training_efficiency.main(["--scale", "tiny", "--arms", "dense_ce"])
    assert e.value.code == 2 and "must include earlyrobust and dense_freelb" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        training_efficiency.main(["--scale", "tiny", "--set", "head_ratio=2"])
    assert "head_ratio" in capsys.readouterr().err
