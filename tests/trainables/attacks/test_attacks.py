"""Attacks respect their constraints, are deterministic, and hurt a trained model; metrics are exact."""
import json

import pytest

from trainables.attacks import make_attack
from trainables.attacks.base import STOPWORDS
from trainables.attacks.character import edit_distance
from trainables.attacks.metrics import summarize
from trainables.attacks.runner import run_attack
from trainables.attacks.victim import Victim


@pytest.fixture(scope="module")
def victim(trained_tiny, tokenizer):
    return Victim(trained_tiny[0], tokenizer, max_length=48)


@pytest.fixture(scope="module")
def dev_rows(sst2_dev):
    rows = sst2_dev.select(range(60))
    return list(rows["text"]), list(rows["label"])


def attack_all(attack, victim, texts, labels):
    return [attack.attack(victim, t, y, index=i) for i, (t, y) in enumerate(zip(texts, labels))]


def changed_positions(a, b):
    wa, wb = a.split(), b.split()
    assert len(wa) == len(wb), "word-level attacks keep the word count"
    return [i for i, (x, y) in enumerate(zip(wa, wb)) if x != y]


@pytest.mark.parametrize("name", ["textfooler", "charbug"])
def test_constraints_hold_and_the_trained_model_loses_accuracy(name, victim, dev_rows):
    attack = make_attack(name, max_change=0.2, query_budget=500, seed=1)
    results = attack_all(attack, victim, *dev_rows)
    for r in results:
        positions = changed_positions(r.original, r.perturbed)
        words = r.original.split()
        assert len(positions) == r.words_changed <= max(1, int(0.2 * len(words)))
        assert all(words[i].lower() not in STOPWORDS for i in positions)
        assert r.queries <= 500 + 1
        if name == "charbug":
            assert all(edit_distance(words[i], r.perturbed.split()[i]) <= 2 for i in positions)
        if name == "textfooler":
            assert all(r.perturbed.split()[i] in attack.candidates(words[i]) for i in positions)
        if r.status == "succeeded":
            assert r.perturbed_pred != r.label and r.perturbed != r.original
    summary = summarize([r.status for r in results], [r.queries for r in results])
    assert summary["aua"] < summary["clean_acc"], summary
    assert summary["succeeded"] > 0


@pytest.mark.parametrize("name", ["textfooler", "charbug"])
def test_deterministic_under_a_seed(name, victim, dev_rows):
    texts, labels = dev_rows[0][:15], dev_rows[1][:15]
    first = [r.to_dict() for r in attack_all(make_attack(name, seed=7), victim, texts, labels)]
    second = [r.to_dict() for r in attack_all(make_attack(name, seed=7), victim, texts, labels)]
    assert first == second


def test_metric_formulas_match_a_hand_computed_case():
    # N = 10: 2 skipped (misclassified), 5 succeeded, 3 failed
    statuses = ["skipped"] * 2 + ["succeeded"] * 5 + ["failed"] * 3
    queries = [1, 1, 10, 20, 30, 40, 50, 60, 70, 80]
    s = summarize(statuses, queries)
    assert s["clean_acc"] == pytest.approx(0.8)
    assert s["aua"] == pytest.approx(0.3)
    assert s["suc"] == pytest.approx((0.8 - 0.3) / 0.8)
    assert s["avg_queries"] == pytest.approx(sum(queries[2:]) / 8)


def test_runner_writes_jsonl_counts_empty_texts_and_survives_interruption(victim, dev_rows, tmp_path):
    texts, labels = list(dev_rows[0][:8]), list(dev_rows[1][:8])
    texts[2] = "   "
    attack = make_attack("textfooler", seed=0)
    out = tmp_path / "attack.jsonl"

    def interrupt(done, total):
        if done == 4:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        run_attack(attack, victim, texts, labels, 8, out, progress=interrupt)
    assert len(out.read_text().splitlines()) == 4, "results written before the interruption are kept"
    summary = run_attack(attack, victim, texts, labels, 8, out, resume=True)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["index"] for r in rows] == list(range(8))
    assert rows[2] == {"index": 2, "status": "skipped", "queries": 0, "reason": "empty text"}
    assert summary["empty_skipped"] == 1 and summary["n"] == 8
    assert {"original", "perturbed", "label", "original_pred", "perturbed_pred", "queries", "status"} <= set(rows[0])


def test_n_larger_than_the_split_is_refused(victim):
    with pytest.raises(ValueError, match="'attack_n' = 5 is larger than the split \\(2 rows\\): use at most 2"):
        run_attack(make_attack("charbug"), victim, ["a b", "c d"], [0, 1], 5, "/tmp/unused.jsonl")


def test_missing_synonym_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="synonym file .*missing.json not found"):
        make_attack("textfooler", synonym_file=str(tmp_path / "missing.json"))


def test_seeded_subsample_picks_distinct_rows(victim, dev_rows, tmp_path):
    texts, labels = dev_rows
    run_attack(make_attack("charbug"), victim, texts, labels, 5, tmp_path / "a.jsonl", subsample_seed=3)
    picked = [json.loads(l)["index"] for l in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert len(set(picked)) == 5 and picked != list(range(5))
