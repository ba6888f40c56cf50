"""The time-to-target rule on made-up outcomes: when an arm reaches the target, what it costs, the
speed-up and its bootstrap interval."""

import numpy as np
import pytest

from time_to_target import Run, cost_to_target, reached_at, seeded_speedups, speedups

N = 400


def outcomes(robust: int, seed: int = 0) -> np.ndarray:
    """N examples, `robust` of them robust, at random places."""
    bits = np.zeros(N, bool)
    bits[np.random.default_rng(seed).choice(N, robust, replace=False)] = True
    return bits


def test_an_arm_reaches_at_the_first_measurement_paired_tied_with_the_target_or_above():
    target = outcomes(100)
    below = target.copy()
    below[np.flatnonzero(target)[:40]] = False  # 10 points below on the same sentences: separable
    tied = target.copy()
    tied[np.flatnonzero(target)[:2]] = False  # 0.5 point below: the paired interval includes 0
    above = target | outcomes(150, seed=1)
    assert cost_to_target([1.0, 2.0, 3.0], [below, tied, above], target) == 2.0
    assert cost_to_target([1.0, 2.0], [below, below], target) is None
    assert cost_to_target([5.0, 9.0], [above, below], target) == 5.0, "above the target counts at once"
    many = reached_at(np.stack([below, tied])[:, None, None].repeat(3, axis=1), np.stack([target[None]] * 3))
    assert many.tolist() == [1, 1, 1]


def test_a_more_robust_but_less_accurate_model_does_not_reach_the_target():
    """Two criteria (robust, correct): a half-trained model that attacks cannot flip reads a high Aua,
    but it is not what adversarial training gives."""
    robust, correct = outcomes(100), outcomes(100) | outcomes(330, seed=2)
    target = np.stack([robust, correct])
    undertrained = np.stack([robust | outcomes(60, seed=3), robust | outcomes(200, seed=4)])  # less accurate
    assert undertrained[0].sum() > robust.sum() and undertrained[1].sum() < correct.sum() - 40
    assert cost_to_target([1.0, 2.0], [undertrained, target], target) == 2.0
    assert cost_to_target([1.0], [undertrained[0]], robust) == 1.0, "robustness alone would count it"


def test_speedups_divide_the_target_arms_own_cost_to_target_and_carry_a_bootstrap_interval():
    target = outcomes(100)
    early = target.copy()
    early[np.flatnonzero(target)[:40]] = False
    curves = {
        "dense": ([10.0, 20.0, 40.0], [early, target, target]),  # reaches its own final at cost 20
        "cheap": ([1.0, 2.0, 4.0], [early, early, target]),  # reaches at cost 4
        "never": ([1.0, 2.0], [early, early]),
    }
    out = speedups(curves, "dense", resamples=300)
    assert out["dense"]["speedup"] == 1.0 and out["dense"]["cost_to_target"] == 20.0
    assert out["cheap"]["cost_to_target"] == 4.0 and out["cheap"]["speedup"] == pytest.approx(5.0)
    assert out["cheap"]["speedup_low"] <= 5.0 <= out["cheap"]["speedup_high"]
    assert out["never"]["speedup"] is None and out["never"]["reached_share"] < 0.05
    assert out["never"]["speedup_high"] == 0.0
    assert out["dense"]["reached_share"] == 1.0


def test_a_noisy_near_tie_gives_a_wide_interval():
    target = outcomes(100)
    near = target.copy()
    near[np.flatnonzero(target)[:12]] = False  # loses 12 robust sentences, gains 6: 1.5 points below,
    near[np.flatnonzero(~target)[:6]] = True  # inside the paired interval, but not in every resample
    curves = {"dense": ([10.0, 20.0], [near, target]), "arm": ([1.0, 2.0], [near, near])}
    out = speedups(curves, "dense", resamples=500)
    assert out["arm"]["speedup"] == pytest.approx(10.0)
    assert 0.2 < out["arm"]["reached_share"] < 1.0
    assert out["arm"]["speedup_low"] == 0.0 < out["arm"]["speedup_high"]


def both(robust: np.ndarray) -> np.ndarray:
    return np.stack([robust, np.ones_like(robust)])  # every sentence correct: robustness decides


def test_the_look_is_chosen_on_the_selection_split_and_tested_once_on_the_report_split():
    target = Run([10.0, 20.0], [both(outcomes(100)), both(outcomes(100))], [both(outcomes(90)), both(outcomes(90))])
    low_sel, low_rep = outcomes(100), outcomes(90)
    low_sel[np.flatnonzero(low_sel)[:40]] = False
    low_rep[np.flatnonzero(low_rep)[:40]] = False
    # ties on selection at its first look, but the report split at that look is 40 sentences below;
    # its second look would pass the report split: it is never looked at
    lucky = Run([1.0, 2.0], [both(outcomes(100)), both(outcomes(100))], [both(low_rep), both(outcomes(90))])
    # below on selection at its first look: the second look is chosen, and the report confirms it
    honest = Run([1.0, 4.0], [both(low_sel), both(outcomes(100))], [both(low_rep), both(outcomes(90))])
    out = seeded_speedups({"dense": [target], "lucky": [lucky], "honest": [honest]}, "dense", resamples=200)
    assert out["dense"]["seeds"][0] == {"look": 0, "cost_to_target": 10.0, "speedup": 1.0, "selection_speedup": 1.0}
    assert out["lucky"]["seeds"][0]["look"] == -1 and out["lucky"]["speedup"] == 0.0
    assert not out["lucky"]["reached_every_seed"]
    assert out["lucky"]["selection_speedup"] == 10.0, "the selection split alone would have counted it"
    assert out["honest"]["seeds"][0] == {"look": 1, "cost_to_target": 4.0, "speedup": 2.5, "selection_speedup": 2.5}
    assert out["honest"]["reached_every_seed"]


def test_seeds_pair_with_the_targets_seed_and_a_seed_that_misses_counts_zero():
    def run(costs, robust_sel, robust_rep):
        return Run(costs, [both(r) for r in robust_sel], [both(r) for r in robust_rep])

    a, b = outcomes(100, seed=5), outcomes(100, seed=6)
    miss = a.copy()
    miss[np.flatnonzero(a)[:40]] = False
    targets = [run([10.0], [a], [a]), run([30.0], [b], [b])]
    arm = [run([2.0], [a], [a]), run([3.0], [miss], [miss])]  # seed 1 compared with target seed 1 (b)
    out = seeded_speedups({"dense": targets, "arm": arm, "one_seed": [run([5.0], [a], [a])]}, "dense", 300)
    assert [s["speedup"] for s in out["arm"]["seeds"]] == [5.0, 0.0]
    assert out["arm"]["speedup"] == pytest.approx(2.5) and not out["arm"]["reached_every_seed"]
    assert out["arm"]["speedup_low"] <= 2.5 <= out["arm"]["speedup_high"]
    assert 0 < out["arm"]["reached_share"] < 1, "a resample that draws seed 0 twice reaches"
    assert len(out["one_seed"]["seeds"]) == 1 and out["one_seed"]["speedup"] == 2.0
    assert out["dense"]["speedup"] == 1.0 and out["dense"]["reached_every_seed"]
