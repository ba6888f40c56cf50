"""The random draws of the character-level recipes (DeepWordBug, TextBugger): positions and letters.

`Draws` takes them from one numpy generator per example; `TextAttackDraws` as TextAttack does
(numpy's `RandomState.randint` for positions, Python's `random.choice` for letters, both seeded with
seed + example index), so that a cross-check against TextAttack sees the same edits.
"""

from __future__ import annotations

import random
import string

import numpy as np

LETTERS = string.ascii_letters


class Draws:
    def __init__(self, generator: np.random.Generator):
        self.generator = generator

    def position(self, low: int, high: int) -> int:
        return int(self.generator.integers(low, high))

    def letter(self, letters: str = LETTERS) -> str:
        return letters[self.generator.integers(len(letters))]


class TextAttackDraws:
    def __init__(self, seed: int):
        self.numpy, self.python = np.random.RandomState(seed), random.Random(seed)

    def position(self, low: int, high: int) -> int:
        return int(self.numpy.randint(low, high))

    def letter(self, letters: str = LETTERS) -> str:
        return self.python.choice(letters)


def draws_for(seed: int, index: int, textattack_rng: bool = False):
    """The draws of example `index` of an attack seeded with `seed`."""
    return TextAttackDraws(seed + index) if textattack_rng else Draws(np.random.default_rng([seed, index]))
