"""What the neighbour-swapping recipes share: counter-fitted neighbours as candidates (Jia et al.'s table,
their case kept), an optional part-of-speech check, and the recipe's sentence-similarity rule, asked of
the sentence encoder."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from trainables.attacks.greedy_search import Attack
from trainables.attacks.pos import same_part_of_speech
from trainables.attacks.similarity import Similarity, sentence_encoder
from trainables.attacks.synonyms import load_neighbours
from trainables.attacks.text import SplitText, recover_case


class NeighbourSwap(Attack):
    """A recipe that swaps words for their counter-fitted neighbours under a sentence-similarity `rule`
    (and, with `pos_constraint`, a part-of-speech check): what TextFooler, TextBugger and the papers'
    bertattack share.  Each recipe sets its name, ranking, stopwords, rule and column rules."""

    rule: Similarity

    def __init__(
        self,
        max_change: float = 1.0,
        query_budget: int = 0,
        seed: int = 0,
        synonym_file: str | None = None,
        max_candidates: int = 50,
        pos_constraint: bool = True,
        similarity: float | None = None,
        device: str | None = None,
    ):
        super().__init__(max_change, query_budget, seed)
        self.neighbours = load_neighbours(synonym_file)
        self.max_candidates, self.pos_constraint = max_candidates, pos_constraint
        if similarity is not None:
            self.rule = dataclasses.replace(self.rule, threshold=similarity)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")

    def neighbours_of(self, word: str, k: int) -> list[str]:
        """The word's first `k` counter-fitted neighbours, in its case."""
        return [recover_case(w, word) for w in self.neighbours.get(word.lower(), [])[:k]]

    def candidates(self, word: str, rng: np.random.Generator | None = None) -> list[str]:
        return self.neighbours_of(word, self.max_candidates)

    def keep(self, current: SplitText, original: SplitText, pos: int, options: list[str]):
        if self.pos_constraint:
            options = [w for w in options if same_part_of_speech(current.words[pos], w)]
        if not options:
            return options, []
        return self.rule.filter(current, original, pos, options)

    def encoder(self):
        return sentence_encoder(self.device)
