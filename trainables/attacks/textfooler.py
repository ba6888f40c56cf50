"""TextFooler (Jin et al., AAAI 2020), as TextAttack's `TextFoolerJin2019` recipe builds it, offline.

Words ranked by deletion; each important word is replaced by its counter-fitted neighbours
(Jia et al. 2019's table, up to 8 a word, standing in for the recipe's 50 nearest counter-fitted
vectors with cosine >= 0.5), its case kept; stopwords (TextFooler's list) and already-replaced words
are left alone (and a premise/hypothesis pair's premise).  Constraints: same part of speech (WordNet, see `pos.py`) and sentence similarity
of the 15-word window >= 0.8408 angular against the current text (all-MiniLM-L6-v2 standing in for
USE, see `similarity.py`).  No word or query budget.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from trainables.attacks.greedy_search import Attack
from trainables.attacks.pos import same_part_of_speech
from trainables.attacks.similarity import THRESHOLD, Similarity, sentence_encoder
from trainables.attacks.stopwords import TEXTFOOLER
from trainables.attacks.synonyms import load_neighbours
from trainables.attacks.text import SplitText, recover_case


class TextFooler(Attack):
    name = "textfooler"
    importance = "delete"
    stopwords = TEXTFOOLER
    rule = Similarity(THRESHOLD)
    column_rules = ((("premise", "hypothesis"), ("premise",)),)  # the recipe's InputColumnModification

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
