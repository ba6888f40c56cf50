"""When has the ticket stopped changing?  Online rules over a window of drawn masks.

Each check draws the ticket at the target ratios and calls `update`.  A rule keeps the last
`window + 1` tickets; it never fires before its window is full, so a ticket can never be the one
drawn from untrained coefficients by accident.  Every check returns a record of its distances
for plotting.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

import numpy as np

from trainables.errors import ConfigError


class Ticket(Protocol):
    """What a rule compares: a ticket's head and FFN masks (`trainables/earlyrobust/tickets.py`)."""

    def head_mask(self) -> np.ndarray: ...

    def ffn_mask(self) -> np.ndarray: ...


def mask_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised Hamming distance between two boolean masks."""
    return float(np.mean(a != b))


def _distances(x: Ticket, y: Ticket) -> tuple[float, float]:
    return mask_distance(x.head_mask(), y.head_mask()), mask_distance(x.ffn_mask(), y.ffn_mask())


class ConvergenceRule:
    name = "base"

    def __init__(self, eps: float, window: int):
        if not eps > 0:
            raise ConfigError(f"parameter 'conv_eps' = {eps!r} is not allowed: use a float > 0")
        if int(window) != window or window < 1:
            raise ConfigError(f"parameter 'conv_window' = {window!r} is not allowed: use an integer >= 1")
        self.eps, self.window = float(eps), int(window)
        self.history: deque[Ticket] = deque(maxlen=self.window + 1)
        self.ticket: Ticket | None = None

    @property
    def converged(self) -> bool:
        return self.ticket is not None

    def update(self, ticket: Ticket) -> dict:
        previous = self.history[-1] if self.history else None
        self.history.append(ticket)
        head_prev, ffn_prev = _distances(previous, ticket) if previous else (float("nan"), float("nan"))
        record = {
            "step": ticket.step,
            "epoch": ticket.epoch,
            "head_prev": head_prev,
            "ffn_prev": ffn_prev,
            "head_window": float("nan"),
            "ffn_window": float("nan"),
            "converged": False,
        }
        if len(self.history) == self.history.maxlen:
            pairs = [_distances(self.anchor(), other) for other in self.others()]
            record["head_window"] = max(p[0] for p in pairs)
            record["ffn_window"] = max(p[1] for p in pairs)
            if self.fires(record["head_window"], record["ffn_window"]) and self.ticket is None:
                self.ticket = self.anchor()
                record["converged"] = True
        return record

    def anchor(self) -> Ticket:
        raise NotImplementedError

    def others(self) -> list[Ticket]:
        raise NotImplementedError

    def fires(self, head: float, ffn: float) -> bool:
        raise NotImplementedError


class EarlyRobustRule(ConvergenceRule):
    """EarlyRobust: the oldest mask is within ε (strictly) of each of the `window` newer ones, for
    heads and FFN separately; the oldest mask is the ticket."""

    name = "earlyrobust"

    def anchor(self) -> Ticket:
        return self.history[0]

    def others(self) -> list[Ticket]:
        return list(self.history)[1:]

    def fires(self, head: float, ffn: float) -> bool:
        return head < self.eps and ffn < self.eps


class EarlyBirdRule(ConvergenceRule):
    """Early-Bird (You et al., ICLR 2020): the newest mask is within ε (max ≤ ε) of each of the
    `window` older ones; the newest mask is the ticket."""

    name = "earlybird"

    def anchor(self) -> Ticket:
        return self.history[-1]

    def others(self) -> list[Ticket]:
        return list(self.history)[:-1]

    def fires(self, head: float, ffn: float) -> bool:
        return head <= self.eps and ffn <= self.eps


RULES = {rule.name: rule for rule in (EarlyRobustRule, EarlyBirdRule)}


def make_rule(name: str, eps: float, window: int) -> ConvergenceRule:
    if name not in RULES:
        raise ConfigError(f"parameter 'conv_rule' = {name!r} is unknown: use one of {', '.join(RULES)}")
    return RULES[name](eps, window)
