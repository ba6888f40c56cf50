"""Analytic training cost: parameters and FLOPs per token, accumulated per phase with wall clock.

Forward FLOPs per token = 2 N + 2 n_ctx Σ_l d_attn,l (Kaplan et al. 2020), with N the
non-embedding parameters and d_attn,l the width of layer l's kept heads; one training pass
(forward + backward) is 3x that.  An adversarial step with K passes costs K training passes.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from trainables.earlyrobust.architecture import encoder_layers, head_size, num_heads


@dataclass(frozen=True)
class ModelCost:
    non_embedding_params: int
    attn_width: int  # Σ over layers of heads x head size

    @classmethod
    def of(cls, model) -> "ModelCost":
        n = sum(p.numel() for name, p in model.named_parameters() if ".embeddings." not in f".{name}")
        width = sum(num_heads(l) * head_size(l) for l in encoder_layers(model))
        return cls(n, width)

    def forward_flops(self, tokens: int, seq_len: int) -> float:
        return tokens * (2.0 * self.non_embedding_params + 2.0 * seq_len * self.attn_width)

    def train_flops(self, tokens: int, seq_len: int, passes: int = 1) -> float:
        return 3.0 * passes * self.forward_flops(tokens, seq_len)


@dataclass
class CostMeter:
    """FLOPs and seconds per phase (search, prune, finetune, attack, ...)."""
    flops: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    dense_reference_flops: float = 0.0  # dense adversarial training over the same tokens

    def add(self, phase: str, flops: float) -> None:
        self.flops[phase] = self.flops.get(phase, 0.0) + flops

    @contextmanager
    def timed(self, phase: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - start

    @property
    def train_flops(self) -> float:
        return self.flops.get("search", 0.0) + self.flops.get("finetune", 0.0)

    @property
    def train_seconds(self) -> float:
        return self.seconds.get("search", 0.0) + self.seconds.get("finetune", 0.0)

    @property
    def speedup_vs_dense(self) -> float:
        return self.dense_reference_flops / self.train_flops if self.train_flops else float("nan")

    def to_dict(self) -> dict:
        return {"flops": dict(self.flops), "seconds": dict(self.seconds),
                "dense_reference_flops": self.dense_reference_flops}

    @classmethod
    def from_dict(cls, data: dict) -> "CostMeter":
        return cls(dict(data["flops"]), dict(data["seconds"]), data["dense_reference_flops"])
