"""The attacked model: batched, eval-mode, length-bucketed queries (texts or sentence pairs), counted."""

from __future__ import annotations

import numpy as np
import torch

from trainables.attacks.buckets import bucketed
from trainables.compute import autocast

CACHE_SIZE = 200_000  # answers remembered per victim; cleared when full


class Victim:
    def __init__(
        self,
        model,
        tokenizer,
        max_length: int = 128,
        batch_size: int = 128,
        device=None,
        temperature: float = 1.0,
        class_map: list[int] | None = None,
    ):
        self.model = model.eval()
        self.temperature = temperature  # logits / T before the softmax (calibration.py); 1 = as they are
        # the data class each model class stands for (platform.evaluate --label-map): a data class's
        # probability is the sum of its model classes'
        self.merge = None if class_map is None else np.eye(max(class_map) + 1)[class_map]
        self.tokenizer = tokenizer
        self.max_length, self.batch_size = max_length, batch_size
        self.device = device or next(model.parameters()).device
        self.queries = 0  # inputs asked about (TextAttack's count)
        self.computed = 0  # inputs the model actually ran (the rest came from the cache)
        self.cache: dict[tuple, np.ndarray] = {}  # token ids -> probabilities (model outputs, computed once)

    @property
    def unk(self) -> str:
        return self.tokenizer.unk_token or "[UNK]"

    def probs(self, texts: list) -> np.ndarray:
        """Class probabilities for each text (or (text, text_pair) pair, tokenised as a pair with its
        token types), in length buckets (`buckets.py`); every input counts as one query.  Inputs that
        tokenise alike (`fIller` and `filler` for an uncased model) get the very same answer, computed
        once: a search's ties never depend on what shared a batch."""
        self.queries += len(texts)
        if not texts:
            return np.zeros((0, 0))
        keys = self._keys(texts)
        missing = {}
        for key, text in zip(keys, texts):
            if key not in self.cache and key not in missing:
                missing[key] = text
        if missing:

            def run(batch: dict) -> torch.Tensor:
                with autocast(self.device):
                    logits = self.model(**batch).logits
                return torch.softmax(logits.float() / self.temperature, dim=-1)

            if len(self.cache) + len(missing) > CACHE_SIZE:
                self.cache.clear()
            rows = bucketed(self.tokenizer, list(missing.values()), self.max_length, self.batch_size, run, self.device)
            self.computed += len(rows)
            self.cache.update(zip(missing, rows))
        probs = np.stack([self.cache[key] for key in keys])
        return probs @ self.merge if self.merge is not None else probs

    def _keys(self, texts: list) -> list[tuple]:
        """What the model sees of each input: its token ids (and token types)."""
        pairs = isinstance(texts[0], tuple)
        enc = self.tokenizer(
            [t[0] for t in texts] if pairs else list(texts),
            [t[1] for t in texts] if pairs else None,
            truncation=True,
            max_length=self.max_length,
        )
        types = enc.get("token_type_ids") or [()] * len(texts)
        return [(tuple(ids), tuple(tt)) for ids, tt in zip(enc["input_ids"], types)]
