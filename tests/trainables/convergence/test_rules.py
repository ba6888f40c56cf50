"""Convergence rules on synthetic mask sequences fire exactly when they should."""

import numpy as np
import pytest

from trainables.convergence import make_rule, mask_distance
from trainables.earlyrobust.tickets import draw_ticket


def ticket_from(step, head_scores, ffn_scores):
    return draw_ticket(
        [np.asarray(head_scores, float)], [np.asarray(ffn_scores, float)], 0.5, 0.5, step=step, epoch=step / 100
    )


# 10 heads / 10 neurons, half pruned: flipping one pair of ranks changes 2 of 10 bits (distance 0.2)
STABLE = list(range(10))
SWAP = [1, 0, 2, 3, 4, 6, 5, 7, 8, 9]  # swaps inside the same half: the mask is unchanged
MOVED = [0, 1, 2, 3, 5, 4, 6, 7, 8, 9]  # 4 and 5 trade places across the threshold: distance 0.2


def test_mask_distance_is_normalised_hamming():
    assert mask_distance(np.array([1, 0, 1, 1], bool), np.array([1, 1, 0, 1], bool)) == 0.5


def test_earlyrobust_fires_when_oldest_agrees_with_each_newer_and_draws_the_oldest():
    rule = make_rule("earlyrobust", eps=0.1, window=3)
    sequence = [MOVED, STABLE, SWAP, STABLE, STABLE, STABLE]
    fired_at = None
    for step, scores in enumerate(sequence, start=1):
        record = rule.update(ticket_from(step * 10, scores, scores))
        if record["converged"]:
            fired_at = step
            break
    # window of 4 masks: [MOVED, STABLE, SWAP, STABLE] has distance 0.2; [STABLE, SWAP, STABLE, STABLE] has 0
    assert fired_at == 5
    assert rule.ticket.step == 20  # the oldest of the window


def test_never_fires_before_the_window_is_full_even_with_identical_masks():
    rule = make_rule("earlyrobust", eps=0.5, window=5)
    records = [rule.update(ticket_from(s, STABLE, STABLE)) for s in range(5)]
    assert not any(r["converged"] for r in records) and not rule.converged
    assert np.isnan(records[-1]["head_window"])
    assert rule.update(ticket_from(5, STABLE, STABLE))["converged"]
    assert rule.ticket.step == 0


def test_earlyrobust_threshold_is_strict_and_needs_both_groups():
    rule = make_rule("earlyrobust", eps=0.2, window=1)
    rule.update(ticket_from(1, STABLE, STABLE))
    record = rule.update(ticket_from(2, MOVED, STABLE))
    assert record["head_window"] == pytest.approx(0.2) and record["ffn_window"] == 0
    assert not record["converged"]  # 0.2 is not < 0.2
    record = rule.update(ticket_from(3, MOVED, MOVED))
    assert not record["converged"]  # heads agree now, FFN moved by 0.2
    assert rule.update(ticket_from(4, MOVED, MOVED))["converged"]


def test_earlybird_compares_newest_with_older_and_draws_the_newest():
    rule = make_rule("earlybird", eps=0.2, window=2)
    rule.update(ticket_from(1, STABLE, STABLE))
    rule.update(ticket_from(2, MOVED, MOVED))
    record = rule.update(ticket_from(3, MOVED, MOVED))
    assert record["converged"]  # max distance 0.2 <= 0.2
    assert rule.ticket.step == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name="earlyrobust", eps=0.0, window=5), "conv_eps"),
        (dict(name="earlyrobust", eps=-0.1, window=5), "conv_eps"),
        (dict(name="earlyrobust", eps=0.1, window=0), "conv_window"),
        (
            dict(name="sometimes", eps=0.1, window=5),
            "conv_rule' = 'sometimes' is unknown: use one of earlyrobust, earlybird",
        ),
    ],
)
def test_bad_rule_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_rule(**kwargs)
