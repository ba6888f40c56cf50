"""TextBugger (Li et al., NDSS 2019), as TextAttack's `TextBuggerLi2018` recipe builds it, offline.

Words ranked by deletion; each important word gets, as candidates:
- one space inserted, one character deleted and two neighbouring characters swapped, each at a
  random inner position (never the first or last character);
- every homoglyph swap of the recipe's table (one character each);
- its 5 nearest counter-fitted neighbours (Jia et al.'s table standing in for the recipe's
  counter-fitted embedding), its case kept.
Constraints: repeat, NLTK stopwords, and sentence similarity of the whole text against the
original >= 0.8 angular (the recipe's USE default; all-MiniLM-L6-v2 standing in for USE, see
`similarity.py`).  Edits are drawn as in `deepwordbug.py` (`textattack_rng=True`: TextAttack's way).
"""

from __future__ import annotations

import math

from trainables.attacks.draws import draws_for
from trainables.attacks.neighbour_swap import NeighbourSwap
from trainables.attacks.similarity import Similarity
from trainables.attacks.stopwords import NLTK_ENGLISH

# The recipe's homoglyph table (TextAttack's `WordSwapHomoglyphSwap`, after Boucher et al. 2021).
HOMOGLYPHS = {
    "-": "˗",
    "9": "৭",
    "8": "Ȣ",
    "7": "𝟕",
    "6": "б",
    "5": "Ƽ",
    "4": "Ꮞ",
    "3": "Ʒ",
    "2": "ᒿ",
    "1": "l",
    "0": "O",
    "'": "`",
    "a": "ɑ",
    "b": "Ь",
    "c": "ϲ",
    "d": "ԁ",
    "e": "е",
    "f": "𝚏",
    "g": "ɡ",
    "h": "հ",
    "i": "і",
    "j": "ϳ",
    "k": "𝒌",
    "l": "ⅼ",
    "m": "ｍ",
    "n": "ո",
    "o": "о",
    "p": "р",
    "q": "ԛ",
    "r": "ⲅ",
    "s": "ѕ",
    "t": "𝚝",
    "u": "ս",
    "v": "ѵ",
    "w": "ԝ",
    "x": "×",
    "y": "у",
    "z": "ᴢ",
}


class TextBugger(NeighbourSwap):
    name = "textbugger"
    importance = "delete"
    stopwords = NLTK_ENGLISH
    rule = Similarity(0.8, metric="angular", window=math.inf, against_original=True, skip_short=False)
    column_rules = ()  # the recipe has no InputColumnModification: both texts of a pair are attacked

    def __init__(
        self,
        max_change: float = 1.0,
        query_budget: int = 0,
        seed: int = 0,
        synonym_file: str | None = None,
        max_candidates: int = 5,
        similarity: float | None = None,
        device: str | None = None,
        textattack_rng: bool = False,
    ):
        super().__init__(
            max_change,
            query_budget,
            seed,
            synonym_file,
            max_candidates,
            pos_constraint=False,
            similarity=similarity,
            device=device,
        )
        self.textattack_rng = textattack_rng

    def make_rng(self, index: int):
        return draws_for(self.seed, index, self.textattack_rng)

    def candidates(self, word: str, rng) -> list[str]:
        n, out = len(word), []
        if n > 2:  # insert a space inside the word
            i = rng.position(1, n - 1)
            out.append(word[:i] + rng.letter(" ") + word[i:])
        if n > 2:  # delete an inner character
            i = rng.position(1, n - 1)
            out.append(word[:i] + word[i + 1 :])
        if n > 3:  # swap two inner neighbours
            i = rng.position(1, n - 2)
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        out += [word[:i] + HOMOGLYPHS[c] + word[i + 1 :] for i, c in enumerate(word) if c in HOMOGLYPHS]
        return out + self.neighbours_of(word, self.max_candidates)
