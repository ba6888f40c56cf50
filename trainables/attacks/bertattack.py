"""`bertattack` as the EarlyRobust and RobustT code build it (`build_weak_attacker`), offline.

**This is not Li et al. 2020's BERT-Attack** (`BERTAttackLi2020`, masked-LM candidates).  Both
papers' "BERT-Attack" column comes from TextAttack's BAE recipe (`BAEGarg2019`) rebuilt:
- its masked-LM swap replaced by the 50 nearest counter-fitted neighbours (`WordSwapEmbedding`;
  offline, Jia et al.'s table holds up to 8 a word);
- BAE's own sentence-similarity constraint removed, and a USE cosine >= 0.2 over the 15-word
  window against the original text added, short texts checked too (MiniLM standing in for USE);
- BAE's part-of-speech (nouns and verbs may swap; WordNet here, see `pos.py`), NLTK stopword and
  repeat constraints kept; greedy ranking by deletion; no cap on the words changed;
- the column rules of `build_weak_attacker` for sentence pairs: `sentence1` of a sentence1/sentence2
  pair and `sentence` of a sentence/question pair are never modified.
"""

from __future__ import annotations

from trainables.attacks.neighbour_swap import NeighbourSwap
from trainables.attacks.similarity import WINDOW, Similarity
from trainables.attacks.stopwords import NLTK_ENGLISH


class BertAttack(NeighbourSwap):
    name = "bertattack"
    importance = "delete"
    stopwords = NLTK_ENGLISH
    rule = Similarity(0.2, metric="cosine", window=WINDOW, against_original=True, skip_short=False)
    # build_weak_attacker's two InputColumnModification rules (BAE itself has none).  TextAttack matches
    # the column names in order, so QNLI's (question, sentence) matches neither: both texts are attacked.
    column_rules = ((("sentence1", "sentence2"), ("sentence1",)), (("sentence", "question"), ("sentence",)))
