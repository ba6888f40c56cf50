"""Words of a text the way TextAttack splits them, with the text around them kept.

A word is a maximal run of letters, digits and `'-_*@`, with those four symbols stripped from its
ends: "film," gives the word "film" and "it 's" gives "it" and "s".  Punctuation and spacing stay
in the separators, so a word can be replaced (or deleted) and the text rebuilt around it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

WORD = re.compile(r"[\w'\-_*@]+")
EDGE = "'-_*@"


@dataclass(frozen=True)
class SplitText:
    seps: tuple[str, ...]  # len(words) + 1 separators: before, between and after the words
    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> "SplitText":
        seps, words, at = [], [], 0
        for match in WORD.finditer(text):
            word = match.group().strip(EDGE)
            if not word:
                continue
            start = match.start() + match.group().index(word)
            seps.append(text[at:start])
            words.append(word)
            at = start + len(word)
        seps.append(text[at:])
        return cls(tuple(seps), tuple(words))

    @property
    def text(self) -> str:
        return "".join(s + w for s, w in zip(self.seps, self.words)) + self.seps[-1]

    def __len__(self) -> int:
        return len(self.words)

    @property
    def inputs(self) -> str:
        """What the victim is given."""
        return self.text

    def editable(self) -> range:
        return range(len(self.words))

    def replace(self, index: int, word: str) -> "SplitText":
        return SplitText(self.seps, self.words[:index] + (word,) + self.words[index + 1 :])

    def delete(self, index: int) -> str:
        """The text without the word at `index` (TextAttack's deletion importance)."""
        return self.replace(index, "").inputs

    def window(self, index: int, size: int) -> str:
        """The text spanning `size` words around `index` (TextAttack's `text_window_around_index`)."""
        n, half = len(self.words), (size - 1) / 2
        if index - half < 0:
            start, end = 0, min(size - 1, n - 1)
        elif index + half >= n:
            start, end = max(0, n - size), n - 1
        else:
            start, end = index - math.ceil(half), index + math.floor(half)
        inner = "".join(self.words[i] + self.seps[i + 1] for i in range(start, end))
        return inner + self.words[end]


@dataclass(frozen=True)
class PairText:
    """A sentence pair as TextAttack's two-column `AttackedText` sees it: the words of both columns in
    one sequence (positions run on from the first column into the second), of which only the words of
    the `fixed`-free columns may change (the recipe's `InputColumnModification`)."""

    first: SplitText
    second: SplitText
    fixed: frozenset = frozenset()  # column numbers (0, 1) that stay as they are

    @classmethod
    def of(cls, text: str, text_pair: str, fixed=frozenset()) -> "PairText":
        return cls(SplitText.of(text), SplitText.of(text_pair), frozenset(fixed))

    @property
    def words(self) -> tuple[str, ...]:
        return self.first.words + self.second.words

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    @property
    def joint(self) -> SplitText:
        """Both columns as one text, a line break between them."""
        seps = self.first.seps[:-1] + (self.first.seps[-1] + "\n" + self.second.seps[0],) + self.second.seps[1:]
        return SplitText(seps, self.words)

    @property
    def text(self) -> str:
        return self.joint.text

    @property
    def inputs(self) -> tuple[str, str]:
        return self.first.text, self.second.text

    def editable(self) -> list[int]:
        k = len(self.first)
        return [i for i in range(len(self)) if (0 if i < k else 1) not in self.fixed]

    def replace(self, index: int, word: str) -> "PairText":
        k = len(self.first)
        if index < k:
            return dataclasses.replace(self, first=self.first.replace(index, word))
        return dataclasses.replace(self, second=self.second.replace(index - k, word))

    def delete(self, index: int) -> tuple[str, str]:
        return self.replace(index, "").inputs

    def window(self, index: int, size: float) -> str:
        return self.joint.window(index, size)


def recover_case(candidate: str, original: str) -> str:
    """Give a lower-case substitute the original word's casing (TextAttack's `recover_word_case`)."""
    if original.islower():
        return candidate.lower()
    if original.isupper() and len(original) > 1:
        return candidate.upper()
    if original[:1].isupper() and original[1:].islower():
        return candidate.capitalize()
    return candidate
