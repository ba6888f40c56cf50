"""The time-to-robustness benchmark at tiny scale: every arm is a real trial attacked every half-epoch
with its training cost so far, the measurements do not change the training, the speed-ups follow the
rule from the measured points, and a rerun resumes."""

import csv
import time

import pytest
from safetensors.torch import load_file

import time_to_robustness as ttr
from bench_helpers import run_tiny
from trainables.config import validate_config
from trainables.earlyrobust import checkpoint as ckpt
from trainables.pipeline import FT_WEIGHTS, Trial


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_tiny(ttr.main, tmp_path_factory, "ttr")


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_every_arm_is_attacked_every_half_epoch_with_its_training_cost_so_far(run):
    points = read(run / "out" / "time_to_robustness_tiny_points.csv")
    by = {}
    for p in points:
        by.setdefault(p["arm"], []).append(p)
    assert list(by) == list(ttr.ARMS)
    n = ttr.SCALES["tiny"]["attack_n"]
    for arm, ps in by.items():
        assert [float(p["ft_epoch"]) for p in ps] == [0.5, 1.0], arm
        flops = [float(p["train_flops"]) for p in ps]
        assert 0 < flops[0] < flops[1], arm
        assert all(
            int(p["attack_n"]) == n and float(p["aua_ci_low"]) <= float(p["aua"]) <= float(p["aua_ci_high"]) for p in ps
        )
    at = {arm: float(ps[-1]["train_flops"]) for arm, ps in by.items()}
    assert at["dense_freelb"] == pytest.approx(5 * at["dense_ce"], rel=1e-9)  # the same tokens, K = 5 passes
    search = ckpt.read_state(run / "w" / "earlyrobust")["cost"]["flops"]["search"]
    assert search > 0 and float(by["earlyrobust_ft_pgd"][0]["train_flops"]) > search, "the ticket's search is counted"
    assert at["random_ticket"] < at["dense_ce"] < at["earlyrobust"], "a random ticket costs nothing to draw"


@pytest.mark.slow
def test_the_table_follows_the_rule_from_the_measured_points(run):
    rows = {r["arm"]: r for r in read(run / "out" / "time_to_robustness_tiny.csv")}
    points = read(run / "out" / "time_to_robustness_tiny_points.csv")
    target = max(ttr.TARGETS, key=lambda a: float(rows[a]["final_aua"]))
    assert float(rows[target]["speedup_flops"]) == 1.0
    for arm, r in rows.items():
        mine = [p for p in points if p["arm"] == arm]
        ok = [float(p["vs_target_high"]) >= -1e-12 and float(p["clean_vs_target_high"]) >= -1e-12 for p in mine]
        if r["reached"] == "yes":
            first = mine[ok.index(True)]
            assert float(r["flops_to_target"]) == float(first["train_flops"])
            assert float(r["speedup_flops"]) == pytest.approx(
                float(rows[target]["flops_to_target"]) / float(r["flops_to_target"])
            )
            assert float(r["speedup_flops_low"]) <= float(r["speedup_flops"]) <= float(r["speedup_flops_high"])
        else:
            assert not any(ok)
    md = (run / "out" / "time_to_robustness_tiny.md").read_text()
    assert f"the final Aua of `{target}`" in md and "**Rule**" in md and "paper's 7x" in md
    assert (run / "out" / "time_to_robustness_tiny.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_measuring_along_the_way_leaves_the_training_as_it_was(run, tmp_path):
    cfg = validate_config({**ttr.COMMON, **ttr.SCALES["tiny"], "ft_mode": "ce", "attack": "none"})
    Trial(cfg, tmp_path / "plain", dense=True).run()
    measured = load_file(run / "w" / "dense_ce" / FT_WEIGHTS)
    plain = load_file(tmp_path / "plain" / FT_WEIGHTS)
    assert measured.keys() == plain.keys()
    assert all((measured[k] == plain[k]).all() for k in plain)


@pytest.mark.slow
def test_a_rerun_on_the_same_folder_resumes(run, tmp_path):
    before = read(run / "out" / "time_to_robustness_tiny_points.csv")
    start = time.perf_counter()
    ttr.main(["--scale", "tiny", "--work", str(run / "w"), "--out", str(tmp_path)])
    assert read(tmp_path / "time_to_robustness_tiny_points.csv") == before
    assert time.perf_counter() - start < 60


@pytest.mark.parametrize(
    "args, message",
    [
        (["--arms", "dense_ce", "earlyrobust"], "must include dense_pgd or dense_freelb"),
        (["--arms", "dense_pgd", "random_ticket"], "include earlyrobust"),
        (["--measures", "0"], "--measures must be"),
        (["--set", "attack=none"], "measures no word-level robustness"),
        (["--set", "head_ratio=2"], "head_ratio"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(args, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        ttr.main(["--scale", "tiny", "--out", str(tmp_path), *args])
    assert e.value.code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing written"
