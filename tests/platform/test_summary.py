"""The end-of-sweep table and the champion rule under uncertainty."""

import math
import random

import pytest

from platform import summary
from trainables.attacks.attack_stats import _decode, paired_bits, robust_bits, wilson


def row(trial, aua, lo, hi, sparsity, flops=1.0, run_id="r"):
    return {
        "trial": trial,
        "status": "done",
        "run_id": run_id + trial,
        "aua": aua,
        "aua_ci_low": lo,
        "aua_ci_high": hi,
        "param_sparsity": sparsity,
        "train_flops": flops,
    }


def test_the_champion_is_the_sparsest_trial_the_sample_cannot_tell_from_the_best():
    rows = [
        row("best", 0.40, 0.35, 0.45, 0.20),
        row("close", 0.37, 0.32, 0.42, 0.35),
        row("sparse-but-worse", 0.20, 0.16, 0.34, 0.60),
        row("dense", 0.39, 0.34, 0.44, 0.05),
    ]
    table = summary.build_table(rows, [], "aua")
    assert list(table["pareto"]) == ["*", "", "", ""]
    assert summary.champion(rows, table)["trial"] == "close"


def outcomes(robust: list[int]) -> str:
    return robust_bits([{"index": i, "status": "failed" if r else "succeeded"} for i, r in enumerate(robust)])


def test_trials_attacked_on_the_same_sentences_are_compared_paired():
    rng = random.Random(0)
    best_bits = [int(rng.random() < 0.40) for _ in range(400)]
    # 'close' is 'best' with 8 of its robust sentences broken (-2 points, always worse): unpaired intervals
    # overlap widely, the paired one does not include 0
    close_bits = list(best_bits)
    for i in [i for i, b in enumerate(best_bits) if b][:8]:
        close_bits[i] = 0
    # 'noisy' is as far below on average but differs on many sentences both ways: paired, it ties
    noisy_bits = list(best_bits)
    ones, zeros = [i for i, b in enumerate(best_bits) if b], [i for i, b in enumerate(best_bits) if not b]
    for i in ones[:40]:
        noisy_bits[i] = 0
    for i in zeros[:32]:
        noisy_bits[i] = 1

    def trial(name, bits, sparsity):
        k = sum(bits)
        return {**row(name, k / 400, *wilson(k, 400), sparsity), "robust_bits": outcomes(bits)}

    best, close, noisy = trial("best", best_bits, 0.2), trial("close", close_bits, 0.5), trial("noisy", noisy_bits, 0.4)
    assert close["aua_ci_high"] > best["aua_ci_low"], "unpaired, 'close' would tie"
    d = paired_bits(close["robust_bits"], best["robust_bits"])
    assert d["n"] == 400 and d["diff"] == pytest.approx(-8 / 400) and d["high"] < 0
    assert not summary.ties(close, best) and summary.ties(noisy, best) and summary.ties(best, best)
    rows = [best, close, noisy]
    assert summary.champion(rows, summary.build_table(rows, [], "aua"))["trial"] == "noisy"
    # another sample (a different seed) cannot be paired: the intervals decide
    other = {**close, "robust_bits": outcomes(close_bits[:399])}
    assert paired_bits(other["robust_bits"], best["robust_bits"]) is None and summary.ties(other, best)


def test_robust_bits_round_trip_and_name_their_sample():
    bits = [1, 0, 0, 1, 1, 1, 0]
    sample, decoded = _decode(outcomes(bits))
    assert decoded == bits and len(sample) == 12
    assert _decode(outcomes([]))[1] == [] and _decode("garbage") is None and _decode(None) is None


def test_without_an_interval_the_best_front_trial_wins_and_unfinished_trials_never_do():
    rows = [
        row("a", 0.30, math.nan, math.nan, 0.2),
        row("b", 0.25, math.nan, math.nan, 0.5),
        {**row("c", 0.9, 0.8, 1.0, 0.9), "run_id": None},
    ]
    table = summary.build_table(rows, [], "aua")
    assert summary.champion(rows, table)["trial"] == "a"
    assert summary.champion([], summary.build_table([], [], "aua")) is None


def test_the_table_people_read_shows_each_aua_with_its_interval(tmp_path):
    rows = [
        {**row("a", 0.3, 0.25, 0.35, 0.2), "report_aua": 0.28, "report_aua_ci_low": 0.23, "report_aua_ci_high": 0.33},
        row("b", 0.2, 0.15, 0.25, 0.3),
    ]
    table = summary.build_table(rows, [], "aua")
    text = summary.render(table)
    assert "aua [95% CI]" in text and "0.300 [0.25, 0.35]" in text and "0.280 [0.23, 0.33]" in text
    md, csv = summary.write(table, tmp_path)
    assert "held-out report split" in md.read_text() and "aua_ci_low" in csv.read_text().splitlines()[0]
    assert summary.display(table)["report_aua [95% CI]"].tolist()[1] == "–", "not measured: a dash, not nan"


@pytest.mark.parametrize("objective", ["aua", "multi"])
def test_the_champion_is_on_the_front_or_tied_with_it(objective):
    rows = [
        row("x", 0.5, 0.45, 0.55, 0.1, flops=3.0),
        row("y", 0.48, 0.43, 0.53, 0.4, flops=1.0),
        row("z", 0.3, 0.25, 0.35, 0.4, flops=2.0),
    ]
    table = summary.build_table(rows, [], objective)
    assert summary.champion(rows, table)["trial"] == "y"
