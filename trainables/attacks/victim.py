"""The attacked model: batched, eval-mode, length-bucketed queries (texts or sentence pairs), counted."""

from __future__ import annotations

import numpy as np
import torch

from trainables.attacks.buckets import bucketed
from trainables.compute import autocast


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
        self.queries = 0

    @property
    def unk(self) -> str:
        return self.tokenizer.unk_token or "[UNK]"

    def probs(self, texts: list) -> np.ndarray:
        """Class probabilities for each text (or (text, text_pair) pair, tokenised as a pair with its
        token types), in length buckets (`buckets.py`); every input counts as one query."""
        self.queries += len(texts)

        def run(batch: dict) -> torch.Tensor:
            with autocast(self.device):
                logits = self.model(**batch).logits
            return torch.softmax(logits.float() / self.temperature, dim=-1)

        probs = bucketed(self.tokenizer, texts, self.max_length, self.batch_size, run, self.device)
        return probs @ self.merge if self.merge is not None and len(probs) else probs
