"""Sentence pairs: read as pairs (never one column), tokenised as pairs with token types in the clean,
adversarial and attack passes, and attacked only in the columns each recipe allows."""

import numpy as np
import pytest
import torch

from trainables.adversarial import make_adversary
from trainables.attacks import make_attack
from trainables.attacks.greedy_search import Attack
from trainables.attacks.text import PairText, SplitText
from trainables.attacks.victim import Victim
from trainables.data.batching import make_loader, to_device
from trainables.data.dataset_tables import label_names, pair_columns
from trainables.data.datasets import load_split
from trainables.data.models import load_model, load_tokenizer


class PairLexicon:
    """A transparent pair victim: P(class 1) = sigmoid(sum of word scores over both texts); it records
    what it was asked."""

    def __init__(self, scores):
        self.scores, self.queries, self.max_length, self.asked = scores, 0, 64, []
        self.tokenizer = type("T", (), {"unk_token": "[UNK]"})()

    @property
    def unk(self):
        return "[UNK]"

    def probs(self, inputs):
        self.queries += len(inputs)
        self.asked += inputs
        s = np.array([sum(self.scores.get(w, 0.0) for t in pair for w in SplitText.of(t).words) for pair in inputs])
        p = 1 / (1 + np.exp(-s))
        return np.stack([1 - p, p], axis=1)


class Swap(Attack):
    def candidates(self, word, rng):
        return {"good": ["bad"], "fine": ["awful"]}.get(word, [])


@pytest.mark.parametrize(
    "columns, fixed",
    [(("premise", "hypothesis"), {0}), (("sentence1", "sentence2"), set()), (("question", "sentence"), set())],
)
def test_a_pair_attack_changes_only_the_columns_its_rule_allows(columns, fixed):
    attack = Swap()
    attack.column_rules = ((("premise", "hypothesis"), ("premise",)),)  # textfooler's rule
    victim = PairLexicon({"good": 2.0, "fine": 1.5, "bad": -3.0, "awful": -3.0})
    r = attack.attack(victim, "a good start", 1, text_pair="a fine end", columns=columns)
    assert all(isinstance(q, tuple) and len(q) == 2 for q in victim.asked), "the victim always sees the pair"
    changed_first, changed_second = r.perturbed != r.original, r.perturbed_pair != r.original_pair
    if 0 in fixed:
        assert not changed_first and r.perturbed == "a good start", "the premise is never changed"
        assert all(q[0] == "a good start" for q in victim.asked)
        assert changed_second and r.status == "succeeded" and r.perturbed_pair == "a awful end"
    else:
        assert changed_first, "no rule for these columns: the first text is attacked too (TextAttack's way)"


def test_each_recipe_keeps_its_published_column_rules():
    tf, tb, ba = make_attack("textfooler"), make_attack("textbugger"), make_attack("bertattack")
    assert tf.fixed_columns(("premise", "hypothesis")) == {0} and tf.fixed_columns(("sentence1", "sentence2")) == set()
    assert tb.fixed_columns(("premise", "hypothesis")) == set(), "TextBugger's recipe has no column rule"
    assert ba.fixed_columns(("sentence1", "sentence2")) == {0} and ba.fixed_columns(("sentence", "question")) == {0}
    assert ba.fixed_columns(("question", "sentence")) == set(), "TextAttack matches column names in order (QNLI)"
    pair = PairText.of("The cat sat.", "A cat is sitting.", {0})
    assert pair.words == ("The", "cat", "sat", "A", "cat", "is", "sitting") and pair.editable() == [3, 4, 5, 6]
    assert pair.replace(4, "dog").inputs == ("The cat sat.", "A dog is sitting.")
    assert pair.window(3, 3) == "sat.\nA cat"


def test_rte_is_read_as_pairs_with_its_string_labels_in_glue_order():
    for split, rows in (("train", 1244), ("validation", 139), ("test", 1384)):
        ds = load_split("rte", split)
        assert len(ds) == rows and {"text", "text_pair", "label"} <= set(ds.column_names)
        assert label_names(ds) == ["entailment", "not_entailment"] and pair_columns(ds) == ("sentence1", "sentence2")
    first = load_split("rte", "train")[0]
    assert first["text"].startswith("A place of sorrow") and first["text_pair"].startswith("Pope Benedict XVI")
    assert first["label"] == 0, "entailment is class 0 (GLUE)"


def test_a_user_file_with_string_labels_and_pairs(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "train.csv").write_text("premise,hypothesis,label\na,b,yes\nc,d,no\ne,f,maybe\n")
    (folder / "test.csv").write_text("premise,hypothesis,label\ng,h,no\n")
    (folder / "dev.csv").write_text("premise,hypothesis,label\ni,j,yes\n")
    train, test = load_split(str(folder), "train"), load_split(str(folder), "test")
    assert label_names(train) == ["maybe", "no", "yes"] and list(train["label"]) == [2, 1, 0], "sorted names"
    assert list(test["label"]) == [1] and label_names(test) == ["maybe", "no", "yes"], "the train split's ids"
    (folder / "test.csv").write_text("premise,hypothesis,label\ng,h,perhaps\n")
    with pytest.raises(ValueError, match="label 'perhaps' is not among the training labels \\(maybe, no, yes\\)"):
        load_split(str(folder), "test")
    (folder / "train.csv").write_text("sentence1,label\na,0\n")
    with pytest.raises(ValueError, match="'sentence1' without its pair"):
        load_split(str(folder), "train")


def test_pairs_reach_every_pass_with_their_token_types():
    tok = load_tokenizer("tiny-bert")
    ds = load_split("rte", "validation").select(range(8))
    batch = next(iter(make_loader(ds, tok, 8, 48, False)))
    assert batch["token_type_ids"].max() == 1, "the second text is segment 1"
    model = load_model("tiny-bert", 2, seed=0)
    seen = []
    model.register_forward_pre_hook(lambda m, args, kwargs: seen.append(kwargs.get("token_type_ids")), with_kwargs=True)
    for method in ("freelb", "pgd"):
        make_adversary(method, 2, 0.03, 0.05, max_norm=1.0).train_backward(model, to_device(batch, torch.device("cpu")))
    assert len(seen) >= 4 and all(t is not None and torch.equal(t, batch["token_type_ids"]) for t in seen)

    seen.clear()
    Victim(model, tok, 48).probs([("a premise .", "a hypothesis .")])
    assert seen[-1] is not None and seen[-1].max() == 1, "attack queries are pairs with token types too"
