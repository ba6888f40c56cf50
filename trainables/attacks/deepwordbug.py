"""DeepWordBug (Gao et al. 2018), as TextAttack's `DeepWordBugGao2018` recipe builds it.

Words ranked by UNK replacement; each important word gets one random edit of each of the four
kinds (swap two neighbouring characters, substitute, delete, insert a random letter); stopwords
(NLTK's list) and already-edited words are left alone; the whole text stays within a Levenshtein
distance of 30 of the original.  Edits are drawn from a generator seeded by (seed, example index);
`textattack_rng=True` draws them as TextAttack does (numpy's `RandomState.randint` for positions,
Python's `random.choice` for letters, both seeded with seed + example index), which lets a
cross-check against TextAttack compare the same edits example by example.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from trainables.attacks.draws import draws_for
from trainables.attacks.greedy_search import Attack
from trainables.attacks.stopwords import NLTK_ENGLISH
from trainables.attacks.text import SplitText


class DeepWordBug(Attack):
    name = "deepwordbug"
    importance = "unk"
    stopwords = NLTK_ENGLISH

    def __init__(
        self,
        max_change: float = 1.0,
        query_budget: int = 0,
        seed: int = 0,
        max_edit_distance: int = 30,
        textattack_rng: bool = False,
    ):
        super().__init__(max_change, query_budget, seed)
        self.max_edit_distance, self.textattack_rng = max_edit_distance, textattack_rng

    def make_rng(self, index: int):
        return draws_for(self.seed, index, self.textattack_rng)

    def candidates(self, word: str, rng) -> list[str]:
        n = len(word)
        if n <= 1:
            return []
        i = rng.position(0, n - 1)
        swap = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        i = rng.position(0, n)
        substitute = word[:i] + rng.letter() + word[i + 1 :]
        i = rng.position(0, n)
        delete = word[:i] + word[i + 1 :]
        i = rng.position(0, n)
        insert = word[:i] + rng.letter() + word[i:]
        return [swap, substitute, delete, insert]

    def keep(self, current: SplitText, original: SplitText, pos: int, options: list[str]):
        source = original.text
        return [
            w for w in options if Levenshtein.distance(source, current.replace(pos, w).text) <= self.max_edit_distance
        ], None
