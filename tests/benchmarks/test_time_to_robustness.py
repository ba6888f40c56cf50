"""The time-to-robustness benchmark at tiny scale: every arm is a real trial attacked every half-epoch
with its training cost so far, the measurements do not change the training, the speed-ups follow the
rule from the measured points, and a rerun resumes."""

import csv
import json
import time

import pytest
from safetensors.torch import load_file

import time_to_robustness as ttr
from bench_helpers import run_tiny
from trainables.attacks.attack_runs import read_statuses
from trainables.config import validate_config
from trainables.earlyrobust import checkpoint as ckpt
from trainables.earlyrobust.tickets import Ticket
from trainables.pipeline import FT_WEIGHTS, Trial

# a sweep's answer as Tune writes it (params.json): the data and sample keys are the benchmark's to fix
ANSWER = {
    "head_ratio": 0.25,
    "ft_mode": "fgsm",
    "adv_max_norm": 0.1,
    "model": "tiny-bert",
    "train_size": 999,
    "attack_n": 3,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    answer = tmp_path_factory.mktemp("answer") / "params.json"
    answer.write_text(json.dumps(ANSWER))
    return run_tiny(ttr.main, tmp_path_factory, "ttr", "--answer", str(answer))


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_every_arm_is_attacked_every_half_epoch_on_both_splits_with_its_training_cost_so_far(run):
    points = read(run / "out" / "time_to_robustness_tiny_points.csv")
    by = {}
    for p in points:
        by.setdefault((p["arm"], int(p["seed"])), []).append(p)
    seeds = ttr.SEEDS["tiny"]
    assert [a for a, s in by if s == 0] == [*ttr.ARMS, ttr.ANSWER]
    target = max(ttr.TARGETS, key=lambda a: float(by[(a, 0)][-1]["aua"]))  # chosen on seed 0's selection split
    seeded = sorted([ttr.ANSWER, *(a for a in ttr.SEEDED if a == target or a not in ttr.TARGETS)])
    assert sorted(a for a, s in by if s == seeds - 1) == seeded, "the seeded arms and the target, every seed"
    n = ttr.SCALES["tiny"]["attack_n"]
    for arm, ps in by.items():
        assert [float(p["ft_epoch"]) for p in ps] == [0.5, 1.0], arm
        flops = [float(p["train_flops"]) for p in ps]
        assert 0 < flops[0] < flops[1], arm
        for split in ("", "report_"):
            assert all(int(p[f"{split}attack_n"]) == n for p in ps)
            assert all(
                float(p[f"{split}aua_ci_low"]) <= float(p[f"{split}aua"]) <= float(p[f"{split}aua_ci_high"]) for p in ps
            )
    at = {arm: float(ps[-1]["train_flops"]) for (arm, s), ps in by.items() if s == 0}
    assert at["dense_freelb"] == pytest.approx(5 * at["dense_ce"], rel=1e-9)  # the same tokens, K = 5 passes
    search = ckpt.read_state(run / "w" / "earlyrobust")["cost"]["flops"]["search"]
    assert search > 0 and float(by[("earlyrobust_ft_pgd", 0)][0]["train_flops"]) > search, "the search is counted"
    assert at["random_ticket"] < at["dense_ce"] < at["earlyrobust"], "a random ticket costs nothing to draw"
    ft = {a: at[a] - search for a in ("earlyrobust", *ttr.NEW_MODES)}
    assert ft["earlyrobust"] < ft["earlyrobust_ft_fgsm"] < ft["earlyrobust_ft_pgd"], "FGSM: 2 passes, PGD-5: 6"
    assert ft["earlyrobust"] < ft["earlyrobust_ft_fgsm_half"] < ft["earlyrobust_ft_fgsm"], "FGSM for half the batches"
    assert ft["earlyrobust_ft_free"] == pytest.approx(ttr.FREE_REPLAYS * ft["earlyrobust"], rel=1e-9)
    a0, a1 = (read_statuses(run / w / "dense_pgd" / "curve" / "1.000" / "attack.jsonl") for w in ("w", "w/seed1"))
    assert sorted(a0) == sorted(a1), "every seed is attacked on the same sentences"
    assert Ticket.load(run / "w" / ttr.ANSWER / "ticket.json").head_ratio == ANSWER["head_ratio"], "the answer's own"
    assert float(by[(ttr.ANSWER, 0)][-1]["train_flops"]) > search, "it runs its own search"
    trained = [load_file(run / w / "dense_pgd" / FT_WEIGHTS) for w in ("w", "w/seed1")]
    assert any((trained[0][k] != trained[1][k]).any() for k in trained[0]), "seeds train differently"


@pytest.mark.slow
def test_the_table_follows_the_rule_from_the_measured_points(run):
    rows = {r["arm"]: r for r in read(run / "out" / "time_to_robustness_tiny.csv")}
    seeds = read(run / "out" / "time_to_robustness_tiny_seeds.csv")
    first = {s["arm"]: float(s["final_selection_aua"]) for s in seeds if s["seed"] == "0"}
    target = max(ttr.TARGETS, key=first.get)
    assert float(rows[target]["speedup_flops"]) == 1.0 and rows[target]["reached_every_seed"] == "yes"
    for arm, r in rows.items():
        mine = [s for s in seeds if s["arm"] == arm]
        seeded = arm == ttr.ANSWER or (arm in ttr.SEEDED and (arm == target or arm not in ttr.TARGETS))
        assert len(mine) == int(r["seeds"]) == (ttr.SEEDS["tiny"] if seeded else 1)
        own = {s["seed"]: float(s["flops_to_target"]) for s in seeds if s["arm"] == target}
        ratios = []
        for s in mine:
            if s["reached"] == "yes":
                ratios.append(own[s["seed"]] / float(s["flops_to_target"]))
                assert float(s["speedup_flops"]) == pytest.approx(ratios[-1])
            else:
                ratios.append(0.0)
                assert float(s["speedup_flops"]) == 0.0
        assert float(r["speedup_flops"]) == pytest.approx(sum(ratios) / len(ratios))
        assert r["reached_every_seed"] == ("yes" if all(x > 0 for x in ratios) else "no")
        assert float(r["speedup_flops_low"]) <= float(r["speedup_flops"]) + 1e-9
        assert float(r["speedup_flops"]) <= float(r["speedup_flops_high"]) + 1e-9
    md = (run / "out" / "time_to_robustness_tiny.md").read_text()
    assert f"the final Aua of `{target}`, chosen on the selection split" in md and "**Rule**" in md
    assert "paper's 7x" in md and "**Best new arm**" in md and "**The sweep's answer**" in md
    assert (
        rows[ttr.ANSWER]["budget"].startswith("the sweep's answer:")
        and "ticket fgsm 1 ep" in rows[ttr.ANSWER]["budget"]
    )
    assert "retrained here; adv_max_norm=0.1, ft_mode=fgsm, head_ratio=0.25)" in md, "what the sweep chose"
    answer = md.split("**The sweep's answer**")[1].split("\n")[0]
    for s in (s for s in seeds if s["arm"] == ttr.ANSWER):  # each seed says what binds, or what it reached
        why = answer.split(f"seed {s['seed']}: ")[1]
        assert why.startswith("reached at" if s["reached"] == "yes" else ("tied on", "robustness", "accuracy")), why
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
    (tmp_path / "params.json").write_text(json.dumps(ANSWER))
    ttr.main(
        ["--scale", "tiny", "--work", str(run / "w"), "--out", str(tmp_path), "--answer", str(tmp_path / "params.json")]
    )
    assert read(tmp_path / "time_to_robustness_tiny_points.csv") == before
    assert time.perf_counter() - start < 60


def test_an_answer_from_another_model_or_with_a_bad_value_is_refused(capsys, tmp_path):
    for params, message in (({"model": "minilm"}, "searched with model='minilm'"), ({"head_ratio": 2}, "head_ratio")):
        answer = tmp_path / "params.json"
        answer.write_text(json.dumps(params))
        with pytest.raises(SystemExit) as e:
            ttr.main(["--scale", "tiny", "--out", str(tmp_path / "out"), "--answer", str(answer)])
        assert e.value.code == 2 and message in capsys.readouterr().err
        assert not (tmp_path / "out").exists(), "nothing written"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--arms", "dense_ce", "earlyrobust"], "must include dense_pgd or dense_freelb"),
        (["--arms", "dense_pgd", "random_ticket"], "include earlyrobust"),
        (["--measures", "0"], "--measures must be"),
        (["--seeds", "0"], "--seeds must be"),
        (["--answer", "/nonexistent/params.json"], "--answer /nonexistent/params.json"),
        (["--arms", "dense_pgd", "earlyrobust_ft_free"], "include earlyrobust"),
        (["--set", "attack=none"], "measures no word-level robustness"),
        (["--set", "head_ratio=2"], "head_ratio"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(args, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        ttr.main(["--scale", "tiny", "--out", str(tmp_path), *args])
    assert e.value.code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing written"
