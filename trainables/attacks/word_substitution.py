"""TextFooler-style word substitution (Jin et al., AAAI 2020) with counter-fitted neighbours.

Words are ranked by deletion importance, stopwords are never touched, and each word is replaced
greedily by the neighbour that flips the prediction or lowers the true-class probability most,
until the prediction flips, the word budget (max_change x words) or the query budget runs out.
The USE similarity and POS constraints of the original need downloads and are not applied.
"""
from __future__ import annotations

from trainables.attacks.base import STOPWORDS, Attack, greedy_substitute, rank_words
from trainables.attacks.synonyms import load_neighbours, wordnet_synonyms


class WordSubstitutionAttack(Attack):
    name = "textfooler"

    def __init__(self, max_change: float = 0.2, query_budget: int = 2000, seed: int = 0,
                 synonym_file: str | None = None, max_candidates: int = 8, use_wordnet: bool = False):
        super().__init__(max_change, query_budget, seed)
        self.neighbours = load_neighbours(synonym_file)
        self.max_candidates, self.use_wordnet = max_candidates, use_wordnet

    def candidates(self, word: str) -> list[str]:
        lower = word.lower()
        found = list(self.neighbours.get(lower, []))
        if self.use_wordnet:
            found += [w for w in wordnet_synonyms(lower) if w not in found]
        return found[:self.max_candidates]

    def perturb(self, victim, words, label, probs, max_words, query_start, index):
        positions = [i for i, w in enumerate(words) if w.lower() not in STOPWORDS and self.candidates(w)]
        order = rank_words(victim, words, label, probs, positions)
        return greedy_substitute(victim, words, label, probs, order, lambda w, _pos: self.candidates(w),
                                 max_words, self, query_start)
