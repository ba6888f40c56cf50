"""Attacking many examples in lockstep gives each example exactly the row it gets attacked alone: every
recipe, single texts and sentence pairs, on a trained model; and the batches really are shared."""

import json

import pytest

from trainables.attacks import ATTACKS, make_attack
from trainables.attacks.attack_runs import choose_examples, run_attack
from trainables.attacks.lockstep import Lockstep
from trainables.attacks.victim import Victim
from trainables.data.dataset_tables import pair_columns
from trainables.data.datasets import load_split


class Counting(Victim):
    """The victim, remembering how many inputs each call carried."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []

    def probs(self, texts):
        self.calls.append(len(texts))
        return super().probs(texts)


def rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_every_row_equals_the_one_at_a_time_attacks(name, trained_tiny, tokenizer, sst2_dev, tmp_path):
    texts, labels = list(sst2_dev["text"]), list(sst2_dev["label"])
    files = {}
    for width in (1, 24):
        victim = Counting(trained_tiny[0], tokenizer, max_length=48)
        files[width] = tmp_path / f"w{width}.jsonl"
        run_attack(make_attack(name, seed=3), victim, texts, labels, 32, files[width], seed=5, width=width)
        if width == 1:
            single = max(victim.calls)
        else:
            assert max(victim.calls) > 2 * single, "one call carries several examples' queries"
    assert rows(files[24]) == rows(files[1])
    assert any(r["status"] == "succeeded" for r in rows(files[1]))


@pytest.mark.parametrize("name", ["textfooler", "bertattack"])
def test_sentence_pairs_too(name, trained_tiny, tokenizer, tmp_path):
    rte = load_split("rte", "validation")
    texts, pairs, labels = list(rte["text"]), list(rte["text_pair"]), list(rte["label"])
    out = {}
    for width in (1, 16):
        out[width] = tmp_path / f"w{width}.jsonl"
        run_attack(
            make_attack(name, seed=0),
            Victim(trained_tiny[0], tokenizer, max_length=64),
            texts,
            labels,
            16,
            out[width],
            pairs=pairs,
            columns=pair_columns(rte),
            width=width,
        )
    assert rows(out[16]) == rows(out[1])
    assert {r["original_pair"] is not None for r in rows(out[1])} == {True}


def test_results_come_back_as_each_search_finishes(trained_tiny, tokenizer, sst2_dev):
    picked = choose_examples(list(sst2_dev["label"]), 12, seed=0)
    attack, victim = make_attack("deepwordbug", seed=0), Victim(trained_tiny[0], tokenizer, max_length=48)
    searches = ((i, attack.search(sst2_dev["text"][i], sst2_dev["label"][i], i)) for i in picked)
    lock = Lockstep(victim, None, width=4)
    keys = [key for key, _ in lock.run(searches)]
    assert sorted(keys) == sorted(picked) and lock.seconds["victim"] > 0


def test_inputs_the_model_sees_alike_get_the_very_same_answer(trained_tiny, tokenizer):
    victim = Victim(trained_tiny[0], tokenizer, max_length=48)
    alone = victim.probs(["it 's just fIller ."])
    both = victim.probs(["a different sentence , longer than the first one .", "it 's just filler ."])
    assert (both[1] == alone[0]).all(), "an uncased model sees fIller as filler: the same answer, bit for bit"
    assert victim.queries == 3 and len(victim.cache) == 2
