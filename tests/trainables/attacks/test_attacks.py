"""The published recipes: TextAttack's word split, the greedy search's choices, each recipe's
constraints, determinism, metrics with intervals, the stratified sample, the JSONL runner."""

import json

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from platform.describe import list_params
from trainables.attacks import make_attack
from trainables.attacks.attack_runs import choose_examples, read_rows, read_statuses, run_attack
from trainables.attacks.attack_stats import paired_difference, summarize, verdict, wilson
from trainables.attacks.draws import draws_for
from trainables.attacks.greedy_search import Attack
from trainables.attacks.pos import same_part_of_speech
from trainables.attacks.stopwords import NLTK_ENGLISH, TEXTFOOLER
from trainables.attacks.text import SplitText, recover_case
from trainables.attacks.textbugger import HOMOGLYPHS
from trainables.attacks.victim import Victim


@pytest.fixture(scope="module")
def victim(trained_tiny, tokenizer):
    return Victim(trained_tiny[0], tokenizer, max_length=48)


@pytest.fixture(scope="module")
def dev_rows(sst2_dev):
    picked = choose_examples(list(sst2_dev["label"]), 60, seed=0)
    return [sst2_dev["text"][i] for i in picked], [sst2_dev["label"][i] for i in picked]


def attack_all(attack, victim, texts, labels):
    return [attack.attack(victim, t, y, index=i) for i, (t, y) in enumerate(zip(texts, labels))]


def changes(result):
    """(position, old word, new word) of every swapped word, checked against the texts: the original's
    words with the swaps put in give the perturbed text, separators untouched."""
    a = SplitText.of(result.original)
    rebuilt = a
    for pos, old, new in result.swaps:
        assert a.words[pos] == old
        rebuilt = rebuilt.replace(pos, new)
    assert rebuilt.text == result.perturbed, "a word swap keeps every separator"
    return [tuple(s) for s in result.swaps]


def test_words_are_split_like_textattack_and_the_text_is_rebuilt_around_them():
    text = "a film, it 's 'good' -- well-made (really)!"
    split = SplitText.of(text)
    assert split.words == ("a", "film", "it", "s", "good", "well-made", "really")
    assert split.text == text
    assert split.replace(1, "movie").text == "a movie, it 's 'good' -- well-made (really)!"
    assert split.delete(4) == "a film, it 's '' -- well-made (really)!"
    long = SplitText.of(" ".join(f"w{i}" for i in range(30)))
    assert long.window(0, 15) == " ".join(f"w{i}" for i in range(15))
    assert long.window(10, 15) == " ".join(f"w{i}" for i in range(3, 18))
    assert long.window(29, 15) == " ".join(f"w{i}" for i in range(15, 30))
    assert [recover_case("movie", w) for w in ("film", "Film", "FILM", "fIlm")] == ["movie", "Movie", "MOVIE", "movie"]


class Lexicon(Victim):
    """A transparent victim: P(positive) = sigmoid(sum of word scores)."""

    def __init__(self, scores):
        self.scores, self.queries, self.max_length = scores, 0, 64
        self.tokenizer = type("T", (), {"unk_token": "[UNK]"})()

    def probs(self, texts):
        self.queries += len(texts)
        s = np.array([sum(self.scores.get(w, 0.0) for w in SplitText.of(t).words) for t in texts])
        p = 1 / (1 + np.exp(-s))
        return np.stack([1 - p, p], axis=1)


class Fixed(Attack):
    def __init__(self, table, **kw):
        super().__init__(**kw)
        self.table = table

    def candidates(self, word, rng):
        return self.table.get(word, [])


def test_the_greedy_search_ranks_by_importance_keeps_the_best_swap_and_stops_at_the_flip():
    scores = {"great": 3.0, "fine": 1.0, "plot": 0.5, "awful": -4.0, "meh": 0.2, "bad": -1.5, "ok": 0.4}
    attack = Fixed({"great": ["meh", "awful"], "fine": ["ok"], "plot": ["bad"]})
    victim = Lexicon(scores)
    r = attack.attack(victim, "great fine plot", 1)
    # ranking queries 3 (UNK each word), "great" first (largest drop): its best swap is "awful" (flip) -> stop
    assert r.status == "succeeded" and r.perturbed == "awful fine plot" and r.words_changed == 1
    assert r.queries == 1 + 3 + 2
    # a swap that does not lower the true-class probability is not taken
    r = Fixed({"fine": ["great"]}).attack(Lexicon(scores), "fine plot", 1)
    assert r.status == "failed" and r.perturbed == "fine plot" and r.words_changed == 0
    # a word budget of 1 word in 3 (max_change 0.34) stops after one swap
    budgeted = Fixed({"great": ["meh"], "fine": ["bad"]}, max_change=0.34)
    r = budgeted.attack(Lexicon(scores), "great fine plot", 1)
    assert r.words_changed == 1 and r.status == "failed"
    # the query budget is never exceeded
    r = Fixed({"great": ["meh"], "fine": ["ok"], "plot": ["bad"]}, query_budget=5).attack(
        Lexicon(scores), "great fine plot", 1
    )
    assert r.queries <= 5


def textbugger_edit(x, y):
    """True when y is one of TextBugger's candidates for x (a character bug or a neighbour)."""
    inner = len(x) > 2 and x[0] == y[0] and x[-1] == y[-1]
    space = inner and y.replace(" ", "", 1) == x and " " in y
    deleted = inner and len(y) == len(x) - 1 and any(x[:i] + x[i + 1 :] == y for i in range(1, len(x) - 1))
    swapped = inner and any(x[:i] + x[i + 1] + x[i] + x[i + 2 :] == y for i in range(1, len(x) - 2))
    glyph = any(x[:i] + HOMOGLYPHS[c] + x[i + 1 :] == y for i, c in enumerate(x) if c in HOMOGLYPHS)
    return space or deleted or swapped or glyph


@pytest.mark.parametrize("name", ["textfooler", "deepwordbug", "textbugger", "bertattack"])
def test_recipe_constraints_hold_and_the_trained_model_loses_accuracy(name, victim, dev_rows):
    attack = make_attack(name, seed=1)
    results = attack_all(attack, victim, *dev_rows)
    for r in results:
        changed = changes(r)
        assert len(changed) == r.words_changed
        assert all(x.lower() not in attack.stopwords for _, x, _ in changed)
        if name in ("textfooler", "bertattack"):
            assert all(y in attack.candidates(x) and same_part_of_speech(x, y) for _, x, y in changed)
        elif name == "textbugger":
            assert all(textbugger_edit(x, y) or y in attack.neighbours_of(x, 5) for _, x, y in changed), changed
        else:
            assert Levenshtein.distance(r.original, r.perturbed) <= 30
            assert all(Levenshtein.distance(x, y) <= 2 for _, x, y in changed), "one edit a word (a swap counts 2)"
        if r.status == "succeeded":
            assert r.perturbed_pred != r.label and r.perturbed != r.original
    summary = summarize([r.status for r in results], [r.queries for r in results])
    assert summary["aua"] < summary["clean_acc"], summary
    assert summary["succeeded"] > 0


def test_punctuation_attached_words_are_attacked():
    attack = make_attack("textfooler")
    text = "the film, the movie."
    split = SplitText.of(text)
    assert split.words == ("the", "film", "the", "movie") and attack.candidates("film")
    assert "the" in TEXTFOOLER and "the" in NLTK_ENGLISH


def test_textbugger_builds_the_recipes_five_kinds_of_bug_and_keeps_the_whole_text_similar():
    attack = make_attack("textbugger", seed=0)
    options = attack.candidates("terrible", draws_for(0, 3))
    space, deleted, swapped = options[:3]
    assert " " in space and space.replace(" ", "") == "terrible" and space[0] == "t" and space[-1] == "e"
    assert len(deleted) == 7 and deleted[0] == "t" and deleted[-1] == "e"
    assert sorted(swapped) == sorted("terrible") and swapped[0] == "t" and swapped[-1] == "e" and swapped != "terrible"
    glyphs = [w for w in options[3:] if len(w) == len("terrible") and w not in attack.neighbours_of("terrible", 5)]
    assert len(glyphs) == len("terrible"), "one homoglyph swap per character of the table"
    assert options[-len(attack.neighbours_of("terrible", 5)) :] == attack.neighbours_of("terrible", 5)
    assert 0 < len(attack.neighbours_of("terrible", 5)) <= 5
    assert attack.candidates("ab", draws_for(0, 3)) == ["ɑb", "aЬ"] + attack.neighbours_of("ab", 5), "no inner position"
    assert draws_for(0, 3, textattack_rng=True).position(1, 7) == np.random.RandomState(3).randint(1, 7)
    # similarity: the whole text against the original, angular >= 0.8, short texts checked too
    rule = attack.rule
    assert (rule.threshold, rule.metric, rule.window, rule.against_original, rule.skip_short) == (
        0.8,
        "angular",
        float("inf"),
        True,
        False,
    )
    original = SplitText.of("a truly terrible film")
    options = ["terrib le", "awful", "fantastic"]
    scores = rule.scores(original, original, 2, options, "cpu")
    kept, sims = rule.keep(original, original, 2, options, "cpu")
    assert kept == [o for o, x in zip(options, scores) if x >= 0.8] and "awful" in kept and "fantastic" not in kept


def test_bertattack_is_the_papers_rebuilt_bae_not_the_masked_lm_attack():
    attack = make_attack("bertattack")
    rule = attack.rule
    assert (rule.threshold, rule.metric, rule.window, rule.against_original, rule.skip_short) == (
        0.2,
        "cosine",
        15,
        True,
        False,
    )
    assert attack.stopwords == NLTK_ENGLISH and attack.importance == "delete" and attack.max_change == 1.0
    assert attack.candidates("terrible") == attack.neighbours_of("terrible", 50) != []
    # a 4-word text is checked (no skipping of texts shorter than the window), against the original
    short = SplitText.of("a truly terrible film")
    sims = rule.scores(short, short, 2, ["awful"], "cpu")
    assert sims is not None and sims[0] < 1.0

    line = next(line for line in list_params().splitlines() if line.startswith("attack "))
    assert "bertattack" in line and "not Li et al. 2020" in list_params()


@pytest.mark.parametrize("name", ["textfooler", "deepwordbug", "textbugger", "bertattack"])
def test_deterministic_under_a_seed(name, victim, dev_rows):
    texts, labels = dev_rows[0][:15], dev_rows[1][:15]
    first = [r.to_dict() for r in attack_all(make_attack(name, seed=7), victim, texts, labels)]
    second = [r.to_dict() for r in attack_all(make_attack(name, seed=7), victim, texts, labels)]
    assert first == second


def test_metrics_match_a_hand_computed_case_with_wilson_intervals():
    # N = 10: 2 skipped (misclassified), 5 succeeded, 3 failed
    statuses = ["skipped"] * 2 + ["succeeded"] * 5 + ["failed"] * 3
    queries = [1, 1, 10, 20, 30, 40, 50, 60, 70, 80]
    s = summarize(statuses, queries)
    assert s["clean_acc"] == pytest.approx(0.8) and s["aua"] == pytest.approx(0.3)
    assert s["suc"] == pytest.approx((0.8 - 0.3) / 0.8)
    assert s["avg_queries"] == pytest.approx(sum(queries[2:]) / 8)
    # Wilson 95% for 3/10 is [0.108, 0.603] (Newcombe 1998, table I style); for 0/10 it starts at 0
    assert (s["aua_ci_low"], s["aua_ci_high"]) == pytest.approx((0.1078, 0.6032), abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_the_sample_is_seeded_and_label_stratified():
    labels = [0] * 300 + [1] * 100  # a label-sorted file: the first rows are one class
    picked = choose_examples(labels, 40, seed=3)
    assert len(set(picked)) == 40 and picked == choose_examples(labels, 40, seed=3) != choose_examples(
        labels, 40, seed=4
    )
    assert sum(labels[i] for i in picked) == 10, "each class gets its share"
    assert sorted(choose_examples([0, 1, 2] * 5, 7, seed=0)) != list(range(7))
    three = [0, 0, 0, 1, 1, 2, 2]
    assert sorted(three[i] for i in choose_examples(three, 5, seed=0)) == [0, 0, 1, 1, 2], "largest remainders"


def test_runner_writes_jsonl_counts_empty_texts_and_survives_interruption(victim, dev_rows, tmp_path):
    texts, labels = list(dev_rows[0][:8]), list(dev_rows[1][:8])
    order = choose_examples(labels, 8, seed=0)
    texts[order[2]] = "   "
    attack = make_attack("deepwordbug", seed=0)
    out = tmp_path / "attack.jsonl"

    def interrupt(done, total):
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_attack(attack, victim, texts, labels, 8, out, progress=interrupt)
    assert len(out.read_text().splitlines()) == 4, "results written before the interruption are kept"
    summary = run_attack(attack, victim, texts, labels, 8, out, resume=True)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["index"] for r in rows] == order
    assert rows[2] == {"index": order[2], "status": "skipped", "queries": 0, "reason": "empty text"}
    assert summary["empty_skipped"] == 1 and summary["n"] == 8
    assert {"original", "perturbed", "label", "original_pred", "perturbed_pred", "queries", "status"} <= set(rows[0])


def test_a_line_cut_by_a_kill_resumes_to_exactly_the_uninterrupted_file(victim, dev_rows, tmp_path):
    texts, labels = list(dev_rows[0][:10]), list(dev_rows[1][:10])
    attack = make_attack("textfooler", seed=0)
    whole = tmp_path / "whole.jsonl"
    run_attack(attack, victim, texts, labels, 10, whole)
    lines = whole.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"  # killed while writing the fourth row
    cut.write_bytes(b"".join(lines[:3]) + lines[3][: len(lines[3]) // 2])
    assert len(read_rows(cut)) == 3 and len(read_statuses(cut)) == 3, "a cut line is not a row"
    summary = run_attack(attack, victim, texts, labels, 10, cut, resume=True)
    assert cut.read_bytes() == whole.read_bytes()
    assert summary["n"] == 10 and len(read_statuses(cut)) == 10
    again = run_attack(attack, victim, texts, labels, 10, cut, resume=True)

    def counts(s):
        return {k: v for k, v in s.items() if not k.endswith("_seconds")}  # the outcomes, not the time they took

    assert cut.read_bytes() == whole.read_bytes() and counts(again) == counts(summary), (
        "a finished file is left as it is"
    )


def test_n_larger_than_the_split_is_refused(victim):
    with pytest.raises(ValueError, match="'attack_n' = 5 is larger than the split \\(2 rows\\): use at most 2"):
        run_attack(make_attack("deepwordbug"), victim, ["a b", "c d"], [0, 1], 5, "/tmp/unused.jsonl")


def test_missing_synonym_file_and_bad_budgets_are_named(tmp_path):
    with pytest.raises(ValueError, match="synonym file .*missing.json not found"):
        make_attack("textfooler", synonym_file=str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="'attack_max_change' = 0"):
        make_attack("deepwordbug", max_change=0)


def test_paired_difference_of_two_attacks_on_the_same_sentences():
    a = {i: "failed" for i in range(60)} | {i: "succeeded" for i in range(60, 100)}
    b = {i: "failed" for i in range(40)} | {i: "succeeded" for i in range(40, 100)}
    d = paired_difference(a, b)
    # 20 of 100 differ, all in a's favour: mean 0.2, sd of the 0/1 differences sqrt(0.16 * 100/99)
    assert d["n"] == 100 and d["diff"] == pytest.approx(0.2)
    assert d["high"] - d["diff"] == pytest.approx(1.96 * (0.16 * 100 / 99 / 100) ** 0.5, rel=1e-3)
    assert d["separable"] and "beats" in verdict("x", "y", d)
    tie = paired_difference({0: "failed", 1: "succeeded", 2: "skipped"}, {0: "succeeded", 1: "failed", 2: "skipped"})
    assert tie["diff"] == 0 and not tie["separable"] and "cannot separate" in verdict("x", "y", tie)
