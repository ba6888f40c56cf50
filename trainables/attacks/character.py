"""Character-level attack in the style of DeepWordBug / TextBugger (Gao et al. 2018; Li et al. 2019).

Inside the most important words, try character swaps, substitutions (keyboard neighbours),
deletions and insertions, each within `max_edit_distance` of the original word, and keep the
edit that hurts the true class most.  Candidates are drawn from a generator seeded by
(seed, example index), so a run is deterministic.
"""
from __future__ import annotations

import numpy as np

from trainables.attacks.base import STOPWORDS, Attack, greedy_substitute, rank_words

KEYBOARD = {c: n for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm") for i, c in enumerate(row)
            for n in [row[max(i - 1, 0):i] + row[i + 1:i + 2]]}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (swap counts 2: the DeepWordBug swap is within distance 2)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class CharacterAttack(Attack):
    name = "charbug"

    def __init__(self, max_change: float = 0.2, query_budget: int = 2000, seed: int = 0,
                 max_edit_distance: int = 2, candidates_per_word: int = 8):
        super().__init__(max_change, query_budget, seed)
        self.max_edit_distance, self.candidates_per_word = max_edit_distance, candidates_per_word

    def edits(self, word: str, rng: np.random.Generator) -> list[str]:
        if len(word) < 2:
            return []
        out = []
        for i in range(len(word) - 1):
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2:])  # swap
        for i, c in enumerate(word):
            for n in KEYBOARD.get(c, ""):
                out.append(word[:i] + n + word[i + 1:])  # keyboard substitution
            out.append(word[:i] + word[i + 1:])  # deletion
            out.append(word[:i] + LETTERS[rng.integers(26)] + word[i:])  # insertion
        unique = [w for w in dict.fromkeys(out) if w != word and w and edit_distance(word, w) <= self.max_edit_distance]
        if len(unique) > self.candidates_per_word:
            unique = [unique[i] for i in sorted(rng.choice(len(unique), self.candidates_per_word, replace=False))]
        return unique

    def perturb(self, victim, words, label, probs, max_words, query_start, index):
        rng = np.random.default_rng([self.seed, index])
        positions = [i for i, w in enumerate(words) if w.lower() not in STOPWORDS and len(w) > 1 and w.isalpha()]
        order = rank_words(victim, words, label, probs, positions)
        cache: dict[int, list[str]] = {}

        def candidates(word, pos):
            if pos not in cache:
                cache[pos] = self.edits(word, rng)
            return cache[pos]
        return greedy_substitute(victim, words, label, probs, order, candidates, max_words, self, query_start)
