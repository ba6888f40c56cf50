"""The published recipes against TextAttack 0.3.11 (installed by `scripts/setup.sh --test`; see
benchmarks/attack_crosscheck.py for how it is imported offline: a `flair` stub, NLTK stopwords,
a TextAttack cache marked as set up).  At the benchmark's tiny scale (a tiny BERT fine-tuned here,
80 label-stratified SST-2 dev sentences; the committed benchmark attacks 200 with MiniLM): each
recipe's (deepwordbug, textfooler, textbugger, bertattack) Aua within 0.03 of TextAttack's, the same
sentences skipped, and the same outcome example by example (textbugger may differ on a sentence where
an inserted space splits a word, see docs/robustness.md)."""

import csv

import pytest

import attack_crosscheck


@pytest.mark.slow
def test_recipes_agree_with_textattack(tmp_path):
    attack_crosscheck.main(["--scale", "tiny", "--out", str(tmp_path), "--work", str(tmp_path / "w"), "--n", "80"])
    with open(tmp_path / "attack_crosscheck_tiny_n80.csv") as f:
        rows = list(csv.DictReader(f))
    names = ["deepwordbug", "textfooler", "textbugger", "bertattack"]
    assert [(r["attack"], r["implementation"]) for r in rows] == [
        (name, side) for name in names for side in ("textattack 0.3.11", "this project")
    ]
    for theirs, ours in zip(rows[0::2], rows[1::2]):
        assert int(ours["n"]) == int(theirs["n"]) == 80
        assert ours["same_skipped_set"] == "True", "the same model must skip the same sentences"
        assert abs(float(ours["aua"]) - float(theirs["aua"])) <= attack_crosscheck.TOLERANCE, (theirs, ours)
        assert float(ours["aua"]) < float(ours["clean_acc"]), "the attack must flip something"
        assert float(ours["same_outcome_share"]) >= (0.95 if ours["attack"] == "textbugger" else 1.0), ours
