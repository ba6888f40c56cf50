"""TextFooler (Jin et al., AAAI 2020), as TextAttack's `TextFoolerJin2019` recipe builds it, offline.

Words ranked by deletion; each important word is replaced by its counter-fitted neighbours
(Jia et al. 2019's table, up to 8 a word, standing in for the recipe's 50 nearest counter-fitted
vectors with cosine >= 0.5), its case kept; stopwords (TextFooler's list) and already-replaced words
are left alone (and a premise/hypothesis pair's premise).  Constraints: same part of speech (WordNet, see `pos.py`) and sentence similarity
of the 15-word window >= 0.8408 angular against the current text (all-MiniLM-L6-v2 standing in for
USE, see `similarity.py`).  No word or query budget.
"""

from __future__ import annotations

from trainables.attacks.neighbour_swap import NeighbourSwap
from trainables.attacks.similarity import THRESHOLD, Similarity
from trainables.attacks.stopwords import TEXTFOOLER


class TextFooler(NeighbourSwap):
    name = "textfooler"
    importance = "delete"
    stopwords = TEXTFOOLER
    rule = Similarity(THRESHOLD)
    column_rules = ((("premise", "hypothesis"), ("premise",)),)  # the recipe's InputColumnModification
