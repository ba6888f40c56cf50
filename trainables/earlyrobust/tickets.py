"""Tickets: which heads and FFN neurons a subnetwork keeps, drawn from slimming coefficients.

Units are ranked by their signed coefficient and the lowest `round(ratio * N)` are pruned
(globally over all layers, or per layer).  On distinct scores this prunes what the reference's
`c > quantile(c, ratio)` rule prunes at the paper's ratios; unlike it, ties cannot change the
count and ratio 0 prunes nothing.  Every layer keeps at least one head.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from trainables.earlyrobust.architecture import structure

SCOPES = ("global", "layerwise")


@dataclass
class Ticket:
    heads: list[list[int]]  # kept head indices, per layer
    neurons: list[list[int]]  # kept FFN neuron indices, per layer
    num_heads: list[int]  # heads per layer before pruning
    ffn_sizes: list[int]  # FFN neurons per layer before pruning
    head_ratio: float
    ffn_ratio: float
    scope: str = "global"
    step: int = 0
    epoch: float = 0.0
    converged: bool = True
    note: str = ""
    extra: dict = field(default_factory=dict)

    def head_mask(self) -> np.ndarray:
        return _mask(self.heads, self.num_heads)

    def ffn_mask(self) -> np.ndarray:
        return _mask(self.neurons, self.ffn_sizes)

    @property
    def head_sparsity(self) -> float:
        return 1.0 - sum(map(len, self.heads)) / sum(self.num_heads)

    @property
    def ffn_sparsity(self) -> float:
        return 1.0 - sum(map(len, self.neurons)) / sum(self.ffn_sizes)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> "Ticket":
        return cls(**json.loads(Path(path).read_text()))


def _mask(kept: list[list[int]], sizes: list[int]) -> np.ndarray:
    out = [np.zeros(n, dtype=bool) for n in sizes]
    for layer, idx in enumerate(kept):
        out[layer][idx] = True
    return np.concatenate(out)


def _prune_lowest(scores: np.ndarray, k: int, protected: np.ndarray) -> np.ndarray:
    """Keep-mask pruning the k lowest unprotected scores (stable order breaks ties by index)."""
    keep = np.ones(scores.size, dtype=bool)
    candidates = np.flatnonzero(~protected)
    order = candidates[np.argsort(scores[candidates], kind="stable")]
    keep[order[: min(k, order.size)]] = False
    return keep


def _split(flat_keep: np.ndarray, sizes: list[int]) -> list[list[int]]:
    bounds = np.cumsum([0] + sizes)
    return [np.flatnonzero(flat_keep[a:b]).tolist() for a, b in zip(bounds[:-1], bounds[1:])]


def draw_heads(scores: list[np.ndarray], ratio: float, scope: str) -> list[list[int]]:
    sizes = [s.size for s in scores]
    if scope == "layerwise":
        return [
            _split(_prune_lowest(s, min(round(ratio * s.size), s.size - 1), np.zeros(s.size, bool)), [s.size])[0]
            for s in scores
        ]
    flat = np.concatenate(scores)
    protected = np.zeros(flat.size, dtype=bool)
    bounds = np.cumsum([0] + sizes)
    while True:  # protect the best head of any layer left empty, then draw again
        kept = _split(_prune_lowest(flat, round(ratio * flat.size), protected), sizes)
        empty = [layer for layer, idx in enumerate(kept) if not idx]
        if not empty:
            return kept
        for layer in empty:
            protected[bounds[layer] + int(np.argmax(scores[layer]))] = True


def draw_neurons(scores: list[np.ndarray], ratio: float, scope: str) -> list[list[int]]:
    if scope == "layerwise":
        return [_split(_prune_lowest(s, round(ratio * s.size), np.zeros(s.size, bool)), [s.size])[0] for s in scores]
    flat = np.concatenate(scores)
    return _split(_prune_lowest(flat, round(ratio * flat.size), np.zeros(flat.size, bool)), [s.size for s in scores])


def align_neurons(kept: list[list[int]], scores: list[np.ndarray], multiple: int) -> list[list[int]]:
    """Round each layer's kept-neuron count to the nearest multiple (GPU matrix units like widths
    that are multiples of 64), adding back the best pruned or dropping the worst kept by score."""
    if multiple <= 1:
        return kept
    out = []
    for idx, s in zip(kept, scores):
        target = min(s.size, max(multiple, int(round(len(idx) / multiple)) * multiple))
        order = np.argsort(-s, kind="stable")  # best first
        keep = set(idx)
        if target > len(idx):
            keep |= set(order[[i not in keep for i in order]][: target - len(idx)].tolist())
        else:
            keep -= set([i for i in order[::-1] if i in keep][: len(idx) - target])
        out.append(sorted(int(i) for i in keep))
    return out


def draw_ticket(
    head_scores: list[np.ndarray],
    ffn_scores: list[np.ndarray],
    head_ratio: float,
    ffn_ratio: float,
    scope: str = "global",
    step: int = 0,
    epoch: float = 0.0,
    ffn_multiple: int = 1,
) -> Ticket:
    if scope not in SCOPES:
        raise ValueError(f"prune scope {scope!r} is unknown: use one of {', '.join(SCOPES)}")
    neurons = align_neurons(draw_neurons(ffn_scores, ffn_ratio, scope), ffn_scores, ffn_multiple)
    return Ticket(
        heads=draw_heads(head_scores, head_ratio, scope),
        neurons=neurons,
        num_heads=[s.size for s in head_scores],
        ffn_sizes=[s.size for s in ffn_scores],
        head_ratio=head_ratio,
        ffn_ratio=ffn_ratio,
        scope=scope,
        step=step,
        epoch=epoch,
    )


def random_ticket(
    num_heads: list[int],
    ffn_sizes: list[int],
    head_ratio: float,
    ffn_ratio: float,
    scope: str = "global",
    seed: int = 0,
    ffn_multiple: int = 1,
) -> Ticket:
    """The paper's control: a ticket of the same sparsity drawn from random scores."""
    rng = np.random.default_rng(seed)
    ticket = draw_ticket(
        [rng.random(n) for n in num_heads],
        [rng.random(n) for n in ffn_sizes],
        head_ratio,
        ffn_ratio,
        scope,
        ffn_multiple=ffn_multiple,
    )
    ticket.note = f"random ticket, seed {seed}"
    return ticket


def full_ticket(model) -> Ticket:
    """The ticket that keeps every head and neuron (the dense model in ticket form)."""
    heads, ffn = structure(model)
    return Ticket(
        [list(range(n)) for n in heads],
        [list(range(n)) for n in ffn],
        heads,
        ffn,
        0.0,
        0.0,
        converged=False,
        note="dense model: nothing pruned",
    )
