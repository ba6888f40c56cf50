"""Analytic training cost: parameters and FLOPs per token, accumulated per phase with wall clock.

Forward FLOPs = 2 x (weights of the encoder's linear layers) per token + 2 x (weights of the linear
layers outside the encoder: pooler, classifier) per sequence (they see the first token only) +
4 x n_ctx x Σ_l d_attn,l per token (the QKᵀ and AV products; d_attn,l is layer l's kept heads x
head size).  Embedding look-ups, biases, norms and softmax are not counted (they are not matrix
products, and `torch.utils.flop_counter.FlopCounterMode` does not count them either).
A training pass (forward, then gradients for the weights and the input) is 3x the forward pass;
an input-gradient pass (PGD's ascent: forward, then the gradient for the input alone) is 2x the
linear part and 3x the attention part (both operands of QKᵀ and AV depend on the input).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from torch import nn

from trainables.earlyrobust.architecture import encoder_layers, head_size, num_heads


@dataclass(frozen=True)
class ModelCost:
    non_embedding_params: int
    attn_width: int           # Σ over layers of heads x head size
    token_weights: int = 0    # weights of the encoder's linear layers (applied to every token)
    sequence_weights: int = 0  # weights of the linear layers after the encoder (applied once a sequence)

    @classmethod
    def of(cls, model) -> "ModelCost":
        n = sum(p.numel() for name, p in model.named_parameters() if ".embeddings." not in f".{name}")
        width = sum(num_heads(l) * head_size(l) for l in encoder_layers(model))
        encoder = {id(m) for m in model.base_model.encoder.modules()}
        linear = [m for m in model.modules() if isinstance(m, nn.Linear)]
        token = sum(m.weight.numel() for m in linear if id(m) in encoder)
        sequence = sum(m.weight.numel() for m in linear if id(m) not in encoder)
        return cls(n, width, token, sequence)

    def _parts(self, tokens: int, seq_len: int) -> tuple[float, float]:
        linear = 2.0 * tokens * self.token_weights + 2.0 * (tokens / seq_len) * self.sequence_weights
        return linear, 4.0 * tokens * seq_len * self.attn_width

    def forward_flops(self, tokens: int, seq_len: int) -> float:
        return sum(self._parts(tokens, seq_len))

    def train_flops(self, tokens: int, seq_len: int) -> float:
        return 3.0 * self.forward_flops(tokens, seq_len)

    def input_grad_flops(self, tokens: int, seq_len: int) -> float:
        linear, attention = self._parts(tokens, seq_len)
        return 2.0 * linear + 3.0 * attention


@dataclass
class CostMeter:
    """FLOPs and seconds per phase (search, prune, finetune, attack, ...)."""
    flops: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    dense_reference_flops: float = 0.0  # the dense reference (dense FreeLB, K = dense_ref_steps) over the same tokens

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
        """Dense reference FLOPs / this trial's training FLOPs; NaN when either is zero (undefined)."""
        if not self.train_flops or not self.dense_reference_flops:
            return float("nan")
        return self.dense_reference_flops / self.train_flops

    def to_dict(self) -> dict:
        return {"flops": dict(self.flops), "seconds": dict(self.seconds),
                "dense_reference_flops": self.dense_reference_flops}

    @classmethod
    def from_dict(cls, data: dict) -> "CostMeter":
        return cls(dict(data["flops"]), dict(data["seconds"]), data["dense_reference_flops"])
