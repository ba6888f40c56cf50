"""Many examples' searches advanced together, so that every model and sentence-encoder call carries a
full batch drawn from all of them.

A search (`Attack.search`) is a generator: it yields an `Ask` -- texts for the victim, or texts for the
sentence encoder -- and is sent back the answer (class probabilities, or unit-length embeddings), one
row per text.  `Lockstep` keeps up to `width` searches in flight; each round it answers every pending
ask of each kind with one batched call, and starts the next example as one finishes.  A search's
choices depend only on its own answers, so its outcome is the same whatever else shares the batch
(the victim and the encoder pad each input to a length of its own, see `victim.py`), and one example
alone (`width=1`) is the one-at-a-time attack.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

VICTIM, ENCODER = "victim", "encoder"


@dataclass
class Ask:
    kind: str  # VICTIM or ENCODER
    inputs: list  # texts, or (text, text_pair) tuples for the victim


Search = Generator[Ask, np.ndarray, object]


class Lockstep:
    """Answers searches' asks in batches; `seconds` holds the time spent in victim and encoder calls."""

    def __init__(self, victim, encoder=None, width: int = 32):
        self.victim, self.encoder, self.width = victim, encoder, max(1, int(width))
        self.seconds = {VICTIM: 0.0, ENCODER: 0.0}

    def run(self, searches: Iterable[tuple[object, Search]]) -> Iterator[tuple[object, object]]:
        """(key, result) of each search as it finishes; searches start in the order given."""
        source, active = iter(searches), {}

        def advance(key, search: Search, answer) -> tuple | None:
            try:
                active[key] = (search, search.send(answer))
            except StopIteration as stop:
                active.pop(key, None)
                return key, stop.value
            return None

        def fill() -> Iterator[tuple]:
            while len(active) < self.width:
                try:
                    key, search = next(source)
                except StopIteration:
                    return
                done = advance(key, search, None)
                if done is not None:
                    yield done

        yield from fill()
        while active:
            finished = []
            for kind in (VICTIM, ENCODER):
                waiting = [(key, search, ask) for key, (search, ask) in active.items() if ask.kind == kind]
                if not waiting:
                    continue
                answers = self.answer(kind, [ask.inputs for _, _, ask in waiting])
                for (key, search, _), answer in zip(waiting, answers):
                    done = advance(key, search, answer)
                    if done is not None:
                        finished.append(done)
            yield from finished
            yield from fill()

    def answer(self, kind: str, asks: list[list]) -> list[np.ndarray]:
        """One batched call for every ask of one kind, split back per ask."""
        flat = [x for inputs in asks for x in inputs]
        started = time.perf_counter()
        rows = self.victim.probs(flat) if kind == VICTIM else self.encoder.encode(flat)
        self.seconds[kind] += time.perf_counter() - started
        bounds = np.cumsum([0] + [len(inputs) for inputs in asks])
        return [rows[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def run_one(search: Search, victim=None, encoder=None):
    """One search on its own (a batch of one example)."""
    return next(Lockstep(victim, encoder, width=1).run([(0, search)]))[1]
