"""TextFooler's part-of-speech constraint, offline: a substitute must share a part of speech with
the word it replaces, nouns and verbs counting as one (TextAttack's `allow_verb_noun_swap`).

TextFooler tags both words in context with a POS tagger, which needs a download; here the parts of
speech a word can take come from WordNet 3.0 (`data/wordnet_pos.json`, built from Debian's WordNet
by `scripts/build_wordnet_pos.py` for the counter-fitted vocabulary).  This is context-free: it
rejects swaps whose words can never share a part of speech (an adjective for an adverb-only word),
not those that only differ in this sentence.  A word WordNet does not know cannot be checked and
lets every substitute through.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    return json.loads(resources.files("trainables.attacks").joinpath("data/wordnet_pos.json").read_text())


def classes(word: str) -> set[str]:
    return set(lexicon().get(word.lower(), "").replace("v", "n"))


def same_part_of_speech(original: str, substitute: str) -> bool:
    known = classes(original)
    return not known or bool(known & classes(substitute))
