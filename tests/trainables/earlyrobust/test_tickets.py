"""Drawing tickets: counts match the ratios, ranks use the signed score, every layer keeps a head."""

import json

import numpy as np
import pytest

from trainables.earlyrobust.tickets import Ticket, draw_ticket, random_ticket


def test_global_draw_prunes_the_lowest_signed_scores():
    heads = [np.array([0.9, -0.5, 0.1]), np.array([0.2, 0.8, -0.1])]
    ffn = [np.array([0.5, 0.4, -0.3, 0.2]), np.array([0.1, 0.9, 0.8, 0.7])]
    t = draw_ticket(heads, ffn, head_ratio=2 / 6, ffn_ratio=0.25)
    assert t.heads == [[0, 2], [0, 1]]  # -0.5 and -0.1 pruned (signed, not |c|)
    assert t.neurons == [[0, 1, 3], [1, 2, 3]]  # -0.3 and 0.1 pruned
    assert t.head_sparsity == pytest.approx(2 / 6) and t.ffn_sparsity == pytest.approx(0.25)


def test_paper_ratios_on_bert_base_shapes_match_the_reference_quantile_rule():
    rng = np.random.default_rng(0)
    heads = [rng.normal(size=12) for _ in range(12)]
    ffn = [rng.normal(size=3072) for _ in range(12)]
    t = draw_ticket(heads, ffn, 1 / 6, 0.4)
    flat_h, flat_f = np.concatenate(heads), np.concatenate(ffn)
    # the reference keeps c > quantile(c, r) (linear interpolation); on distinct values the counts agree
    assert sum(map(len, t.heads)) == (flat_h > np.quantile(flat_h, 1 / 6)).sum() == 144 - 24
    assert sum(map(len, t.neurons)) == (flat_f > np.quantile(flat_f, 0.4)).sum() == 36864 - 14746


def test_every_layer_keeps_its_best_head_even_when_its_scores_are_all_lowest():
    heads = [np.array([-5.0, -4.0, -3.0]), np.array([1.0, 2.0, 3.0])]
    t = draw_ticket(heads, [np.ones(2), np.ones(2)], head_ratio=0.5, ffn_ratio=0.0)
    assert t.heads == [[2], [1, 2]]  # layer 0 keeps its best head; the count pruned stays 3
    assert t.neurons == [[0, 1], [0, 1]]  # ratio 0 prunes nothing, even on ties


def test_layerwise_draw_prunes_per_layer():
    rng = np.random.default_rng(1)
    t = draw_ticket([rng.random(4) for _ in range(3)], [rng.random(10) for _ in range(3)], 0.5, 0.3, "layerwise")
    assert [len(h) for h in t.heads] == [2, 2, 2]
    assert [len(n) for n in t.neurons] == [7, 7, 7]


def test_ticket_round_trips_through_json(tmp_path):
    t = random_ticket([4, 4], [8, 8], 0.25, 0.5, seed=3)
    t.save(tmp_path / "t.json")
    assert Ticket.load(tmp_path / "t.json") == t
    assert json.loads((tmp_path / "t.json").read_text())["head_ratio"] == 0.25
    assert t.head_mask().sum() == 6 and t.ffn_mask().sum() == 8


def test_ffn_widths_can_be_rounded_to_a_hardware_multiple_by_score():
    rng = np.random.default_rng(4)
    ffn = [rng.normal(size=3072) for _ in range(4)]
    plain = draw_ticket([np.ones(12)] * 4, ffn, 0.0, 0.4)
    aligned = draw_ticket([np.ones(12)] * 4, ffn, 0.0, 0.4, ffn_multiple=64)
    assert any(len(n) % 64 for n in plain.neurons)
    assert all(len(n) % 64 == 0 for n in aligned.neurons)
    assert all(abs(len(a) - len(p)) <= 32 for a, p in zip(aligned.neurons, plain.neurons))
    for scores, a, p in zip(ffn, aligned.neurons, plain.neurons):
        added, dropped = set(a) - set(p), set(p) - set(a)
        if added:  # what is added back is the best of what was pruned
            assert min(scores[list(added)]) >= max(scores[list(set(range(3072)) - set(a))])
        if dropped:  # what is dropped is the worst of what was kept
            assert max(scores[list(dropped)]) <= min(scores[a])
