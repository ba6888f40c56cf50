"""The attack interface, results, and the word-importance ranking the attacks share.

An attack turns (text, label) into an `AttackResult` by querying a `Victim`.  Statuses follow
TextAttack: `skipped` (already misclassified), `succeeded` (prediction flipped), `failed`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass

import numpy as np

from trainables.attacks.victim import Victim

# English function words never substituted (closed-class words carry no sentiment or topic).
STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can cannot could couldn't did didn't do does doesn't doing don't down during each either
else ever few for from further had hadn't has hasn't have haven't having he her here hers herself him himself
his how however i if in into is isn't it its itself just let's me might more most must mustn't my myself
neither no nor not of off on once only or other ought our ours ourselves out over own same shan't she should
shouldn't so some such than that the their theirs them themselves then there these they this those through to
too under until up upon very was wasn't we were weren't what when where whether which while who whom whose why
will with within without won't would wouldn't you your yours yourself yourselves 's n't 're 've 'll 'd 'm
""".split())


@dataclass
class AttackResult:
    original: str
    perturbed: str
    label: int
    original_pred: int
    perturbed_pred: int
    queries: int
    status: str
    words_changed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


class Attack(ABC):
    name = "attack"

    def __init__(self, max_change: float = 0.2, query_budget: int = 2000, seed: int = 0):
        if not 0 < max_change <= 1:
            raise ValueError(f"parameter 'attack_max_change' = {max_change!r}: use a fraction in (0, 1]")
        self.max_change, self.query_budget, self.seed = max_change, query_budget, seed

    def attack(self, victim: Victim, text: str, label: int, index: int = 0) -> AttackResult:
        start = victim.queries
        words = text.split()
        probs = victim.probs([text])[0]
        pred = int(probs.argmax())
        if pred != label:
            return AttackResult(text, text, label, pred, pred, victim.queries - start, "skipped")
        budget = max(1, int(self.max_change * len(words)))
        adv_words, adv_pred, changed = self.perturb(victim, words, label, probs, budget, start, index)
        status = "succeeded" if adv_pred != label else "failed"
        return AttackResult(text, " ".join(adv_words), label, pred, adv_pred, victim.queries - start, status, changed)

    @abstractmethod
    def perturb(self, victim: Victim, words: list[str], label: int, probs: np.ndarray, max_words: int,
                query_start: int, index: int) -> tuple[list[str], int, int]:
        """Return (perturbed words, final prediction, number of words changed)."""

    def out_of_queries(self, victim: Victim, query_start: int) -> bool:
        return victim.queries - query_start >= self.query_budget


def rank_words(victim: Victim, words: list[str], label: int, probs: np.ndarray, candidates: list[int]) -> list[int]:
    """Positions ordered by importance: the drop in true-class probability when the word is
    replaced by the unknown token (TextFooler's deletion score, one batched query per word)."""
    if not candidates:
        return []
    texts = [" ".join(words[:i] + [victim.unk] + words[i + 1:]) for i in candidates]
    drops = probs[label] - victim.probs(texts)[:, label]
    return [candidates[i] for i in np.argsort(-drops, kind="stable")]


def greedy_substitute(victim: Victim, words: list[str], label: int, probs: np.ndarray, order: list[int],
                      candidates_for, max_words: int, attack: Attack, query_start: int) -> tuple[list[str], int, int]:
    """Walk positions by importance; at each, query every candidate replacement in one batch, keep a
    prediction-flipping one if any, else the one that lowers the true-class probability most."""
    words = list(words)
    best_prob, pred, changed = probs[label], int(probs.argmax()), 0
    for pos in order:
        if changed >= max_words or attack.out_of_queries(victim, query_start):
            break
        options = [w for w in candidates_for(words[pos], pos) if w != words[pos]]
        if not options:
            continue
        room = attack.query_budget - (victim.queries - query_start)
        options = options[:max(room, 0)]
        if not options:
            break
        trial = victim.probs([" ".join(words[:pos] + [w] + words[pos + 1:]) for w in options])
        flipped = np.flatnonzero(trial.argmax(1) != label)
        pick = int(flipped[np.argmin(trial[flipped, label])]) if flipped.size else int(np.argmin(trial[:, label]))
        if flipped.size or trial[pick, label] < best_prob:
            words[pos] = options[pick]
            best_prob, pred, changed = trial[pick, label], int(trial[pick].argmax()), changed + 1
            if pred != label:
                break
    return words, pred, changed
