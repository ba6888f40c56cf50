"""A robustness target and whether a trial reaches it (paired on the same sentences when the target's
outcomes are known), what Optuna's constraint sees of it, the champion of `--objective cost`, and the
target's bad input."""

import math

import optuna
import pytest
from ray import tune

from platform import summary
from platform.optuna_search import OutcomeAwareOptunaSearch
from platform.robustness_target import Target, parse
from platform.sweep import main
from platform.usage import UsageError
from search_spaces import load_space
from trainables.attacks.attack_stats import clean_bits, robust_bits
from trainables.tune.sampler import make_sampler


def outcomes(statuses):
    rows = [{"index": i, "status": s} for i, s in enumerate(statuses)]
    return robust_bits(rows), clean_bits(rows)


# 40 sentences: the target robust on 10, right on 30
TARGET_STATUSES = ["failed"] * 10 + ["succeeded"] * 20 + ["skipped"] * 10


def trial(statuses, flops=1e12):
    r, c = outcomes(statuses)
    n = len(statuses)
    aua, clean = statuses.count("failed") / n, (n - statuses.count("skipped")) / n
    return {
        "trial": f"t{flops:g}",
        "status": "done",
        "run_id": "r",
        "robust_bits": r,
        "clean_bits": c,
        "aua": aua,
        "clean_acc": clean,
        "aua_ci_high": min(1, aua + 0.15),
        "clean_acc_ci_high": min(1, clean + 0.15),
        "train_flops": flops,
        "param_sparsity": 0.3,
    }


def test_a_trial_reaches_the_target_when_the_paired_intervals_include_zero_or_lie_above():
    target = Target(0.25, 0.75, "test", *outcomes(TARGET_STATUSES))
    same = target.gaps(trial(TARGET_STATUSES))
    assert same["target_aua_diff"] == 0 and same["reached_target"] == 1.0 and same["target_margin"] <= 0
    weaker = target.gaps(trial(["succeeded"] * 10 + TARGET_STATUSES[10:]))  # robust on none of the ten
    assert weaker["target_aua_diff"] == pytest.approx(-0.25) and weaker["reached_target"] == 0.0
    assert weaker["target_margin"] > 0 and weaker["target_aua_high"] < 0
    less_accurate = target.gaps(trial(TARGET_STATUSES[:20] + ["skipped"] * 20))  # robust, but 10 fewer right
    assert less_accurate["target_aua_diff"] == 0 and less_accurate["reached_target"] == 0.0, "accuracy counts too"
    one_off = target.gaps(trial(["succeeded"] + TARGET_STATUSES[1:]))  # one sentence: the sample cannot tell
    assert one_off["target_aua_diff"] < 0 and one_off["reached_target"] == 1.0


def test_a_target_given_as_numbers_is_met_by_the_trials_own_interval():
    target = Target(0.3, 0.7, "numbers")
    row = trial(TARGET_STATUSES)  # aua 0.25 [.., 0.40], clean 0.75 [.., 0.90]
    assert target.gaps(row)["reached_target"] == 1.0
    assert Target(0.45, 0.7, "numbers").gaps(row)["reached_target"] == 0.0


def test_the_cost_champion_is_the_cheapest_trial_that_reached_the_target():
    target = Target(0.25, 0.75, "test", *outcomes(TARGET_STATUSES))
    rows = [
        trial(TARGET_STATUSES, 3e12),
        trial(["succeeded"] * 10 + TARGET_STATUSES[10:], 1e12),
        trial(TARGET_STATUSES, 2e12),
    ]
    for row in rows:
        row.update(target.gaps(row))
    table = summary.build_table(rows, [], "cost")
    assert list(table["pareto"]) == ["", "", "*"] and "reached_target" in table.columns
    assert summary.champion(rows, table, "aua", "cost") is rows[2]
    rows[0]["reached_target"] = rows[2]["reached_target"] = 0.0
    assert summary.champion(rows, table, "aua", "cost") is None, "none reached: no champion"


def test_optuna_is_told_each_trials_margin_as_its_constraint():
    target = Target(0.25, 0.75, "test", *outcomes(TARGET_STATUSES))
    search = OutcomeAwareOptunaSearch(
        metric="train_flops", mode="min", sampler=make_sampler(0, 4, constrained=True), target=target
    )
    search.set_search_properties("train_flops", "min", {"ft_mode": tune.choice(["ce", "pgd"])})
    for k, statuses in enumerate([TARGET_STATUSES, ["succeeded"] * 10 + TARGET_STATUSES[10:]]):
        search.suggest(f"t{k}")
        search.on_trial_complete(f"t{k}", {**trial(statuses, 1e12 * (k + 1)), "phase": "done"})
    trials = search._ot_study.trials
    assert [t.state for t in trials] == [optuna.trial.TrialState.COMPLETE] * 2
    assert trials[0].user_attrs["target_margin"] <= 0 < trials[1].user_attrs["target_margin"]
    assert [list(t.system_attrs["constraints"]) for t in trials] == [[t.user_attrs["target_margin"]] for t in trials]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("aua=0.3", "is not a target: give aua=A,clean_acc=C"),
        ("aua=1.3,clean_acc=0.8", "is not a target"),
        ("dense_trades", "is not a target"),
    ],
)
def test_a_bad_target_is_one_line(spec, message):
    with pytest.raises(UsageError, match=message):
        parse(spec, load_space("smoke"))
    assert parse("dense_pgd", load_space("smoke")) == "dense_pgd"
    assert math.isclose(parse("aua=0.2,clean_acc=0.8", load_space("smoke")).aua, 0.2)


def test_target_none_drops_the_spaces_own_target(tmp_path, capsys):
    argv = ["--space", "robust-cheap", "--dry-run", "--storage-path", str(tmp_path / "s")]
    argv += ["--mlflow-uri", f"sqlite:///{tmp_path / 'm.db'}"]
    assert main(argv) == 0 and "target     dense_pgd" in capsys.readouterr().out
    assert main(argv + ["--objective", "aua", "--target", "none"]) == 0
    assert "\n  target " not in capsys.readouterr().out, "the paper's objective: no target is trained"
    assert main(argv + ["--target", "none"]) == 2, "the cost objective needs a target"
    assert "--objective cost minimises training FLOPs subject to reaching a target" in capsys.readouterr().err
    assert not (tmp_path / "s").exists() and not (tmp_path / "m.db").exists()
