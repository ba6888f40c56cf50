"""The attack interface, its results, and the search the published recipes share.

An attack turns (text, label) into an `AttackResult` by querying a `Victim`.  Statuses follow
TextAttack: `skipped` (already misclassified), `succeeded` (prediction flipped), `failed`.

A sentence pair is attacked as TextAttack attacks a two-column input: the words of both texts in one
sequence, of which the recipe's column rules (`column_rules`) may keep one column unchanged.

The search is TextAttack's `GreedyWordSwapWIR` (TextFooler, DeepWordBug): rank the words that are
not stopwords by how much replacing them with UNK (or deleting them) lowers the true-class
probability, then visit them in that order; at each, query every candidate that passes the
recipe's constraints and keep the one that lowers the true-class probability most, if it lowers
it at all; stop when the prediction flips (among flipping candidates, the most similar one wins
when the recipe measures similarity).  Each word is changed at most once.  The published recipes
have no word or query budget; `max_change` < 1 and `query_budget` > 0 add them.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field

import numpy as np

from trainables.attacks.lockstep import VICTIM, Ask, Search, run_one
from trainables.attacks.text import PairText, SplitText
from trainables.attacks.victim import Victim
from trainables.errors import ConfigError


@dataclass
class AttackResult:
    original: str
    perturbed: str
    label: int
    original_pred: int
    perturbed_pred: int
    queries: int
    status: str
    words_changed: int = 0
    swaps: list = field(default_factory=list)  # [position, original word, new word] of each change
    original_pair: str | None = None  # a sentence pair's second text, before and after
    perturbed_pair: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class Attack(ABC):
    name = "attack"
    importance = "unk"  # word-importance ranking: "unk" (replace by UNK) or "delete"
    stopwords: frozenset = frozenset()
    # sentence pairs: (the pair's column names, the columns left as they are), TextAttack's
    # `InputColumnModification`; a pair no rule names has both columns attacked, as in TextAttack
    column_rules: tuple = ()

    def fixed_columns(self, columns: tuple | None) -> frozenset:
        """The column numbers of a pair with these column names that the recipe never modifies."""
        for names, fixed in self.column_rules:
            if tuple(columns or ()) == tuple(names):
                return frozenset(names.index(c) for c in fixed)
        return frozenset()

    def __init__(self, max_change: float = 1.0, query_budget: int = 0, seed: int = 0):
        if not 0 < max_change <= 1:
            raise ConfigError(
                f"parameter 'attack_max_change' = {max_change!r}: use a fraction in (0, 1] (1 = no budget)"
            )
        if query_budget < 0:
            raise ConfigError(f"parameter 'attack_query_budget' = {query_budget!r}: use 0 (no budget) or more")
        self.max_change, self.query_budget, self.seed = max_change, int(query_budget), seed

    @abstractmethod
    def candidates(self, word: str, rng) -> list[str]:
        """Replacement words for `word` (the recipe's transformation; `rng` from `make_rng`)."""

    def make_rng(self, index: int):
        """The random draws of one example (seeded by the attack's seed and the example's index)."""
        return np.random.default_rng([self.seed, index])

    def keep(self, current: SplitText, original: SplitText, pos: int, options: list[str]):
        """The options that pass the recipe's constraints, and their similarity scores (None: not
        measured); a recipe that asks the sentence encoder makes this a search step (a generator)."""
        return options, None

    # -- the search ---------------------------------------------------------------------------
    def attack(
        self,
        victim: Victim,
        text: str,
        label: int,
        index: int = 0,
        text_pair: str | None = None,
        columns: tuple | None = None,
    ) -> AttackResult:
        """Attack one example on its own (`search` with a batch of one)."""
        return run_one(self.search(text, label, index, text_pair, columns, victim.unk), victim, self.encoder())

    def encoder(self):
        """The sentence encoder the recipe's constraints ask (None: they ask none)."""
        return None

    def search(
        self,
        text: str,
        label: int,
        index: int = 0,
        text_pair: str | None = None,
        columns: tuple | None = None,
        unk: str = "[UNK]",
    ) -> Search:
        """The greedy search of one example, as a sequence of asks (`lockstep.py`); a sentence pair is
        `text` + `text_pair` with its source `columns` names; `unk` is the victim's unknown-word token.
        Returns its `AttackResult`."""
        spent = [0]  # queries of this example

        def query(inputs: list):
            spent[0] += len(inputs)
            return (yield Ask(VICTIM, inputs))

        original = (
            SplitText.of(text) if text_pair is None else PairText.of(text, text_pair, self.fixed_columns(columns))
        )
        probs = (yield from query([original.inputs]))[0]
        pred = int(probs.argmax())
        if pred != label:
            return AttackResult(
                text, text, label, pred, pred, spent[0], "skipped", original_pair=text_pair, perturbed_pair=text_pair
            )
        rng = self.make_rng(index)
        word_budget = len(original) if self.max_change >= 1 else max(1, int(self.max_change * len(original)))
        current, score, changed, swaps = original, 1.0 - probs[label], 0, []
        for pos in (yield from self.rank(query, original, label, spent, unk)):
            room = self.room(spent[0])
            if changed >= word_budget or room == 0:
                break
            word = current.words[pos]
            options = [w for w in dict.fromkeys(self.candidates(word, rng)) if w != word]
            kept = self.keep(current, original, pos, options) if options else ([], None)
            options, sims = (yield from kept) if inspect.isgenerator(kept) else kept
            if not options:
                continue
            options = options[:room]
            trial = yield from query([current.replace(pos, w).inputs for w in options])
            scores = 1.0 - trial[:, label]
            best = int(np.argmax(scores))
            if scores[best] <= score:
                continue
            flipped = np.flatnonzero(trial.argmax(1) != label)
            if best in flipped and sims is not None:
                best = max(flipped, key=lambda i: (sims[i], scores[i]))
            current, score, pred, changed = (
                current.replace(pos, options[best]),
                scores[best],
                int(trial[best].argmax()),
                changed + 1,
            )
            swaps.append([pos, word, options[best]])
            if pred != label:
                break
        status = "succeeded" if pred != label else "failed"
        pair = current.inputs if text_pair is not None else (current.text, None)
        return AttackResult(
            text, pair[0], label, int(probs.argmax()), pred, spent[0], status, changed, swaps, text_pair, pair[1]
        )

    def rank(self, query, text: SplitText | PairText, label: int, spent: list, unk: str) -> Search:
        """Non-stopword positions the recipe may change, most important first (one query per position)."""
        positions = [i for i in text.editable() if text.words[i].lower() not in self.stopwords]
        room = self.room(spent[0])
        positions = positions[:room] if room is not None else positions
        if not positions:
            return []
        if self.importance == "delete":
            texts = [text.delete(i) for i in positions]
        else:
            texts = [text.replace(i, unk).inputs for i in positions]
        scores = 1.0 - (yield from query(texts))[:, label]
        return [positions[i] for i in np.argsort(-scores, kind="stable")]

    def room(self, spent: int) -> int | None:
        """Queries left (None: no budget)."""
        return None if not self.query_budget else max(self.query_budget - spent, 0)
