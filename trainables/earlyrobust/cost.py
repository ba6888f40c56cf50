"""Analytic training cost: parameters and FLOPs per token, accumulated per phase with wall clock.

Forward FLOPs = 2 x (weights of the encoder's linear layers) per token + 2 x (weights of the linear
layers outside the encoder: pooler, classifier) per sequence (they see one pooled vector) +
4 x n_keys x Σ_l d_attn,l per token (the QKᵀ and AV products; d_attn,l is layer l's kept heads x
head size; n_keys is the context length, plus DeBERTa's relative-position keys) + what the family
computes once per forward pass (DeBERTa's position projections, ModernBERT's rotary tables).  Embedding look-ups, biases, norms and softmax are not counted (they are not matrix
products, and `torch.utils.flop_counter.FlopCounterMode` does not count them either).
A training pass (forward, then gradients for the weights and the input) is 3x the forward pass (the
rotary tables, which have no weights, 1x); an input-gradient pass (PGD's ascent: forward, then the
gradient for the input alone) is 2x the linear part, 3x the content attention (both operands of QKᵀ and
AV depend on the input), 2x the relative-position scores (one operand does) and 1x the rest.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from torch import nn

from trainables.earlyrobust.families import family_of


@dataclass(frozen=True)
class ModelCost:
    non_embedding_params: int
    attn_width: int  # Σ over layers of heads x head size
    token_weights: int = 0  # weights of the encoder's linear layers (applied to every token)
    sequence_weights: int = 0  # weights of the linear layers after the encoder (applied once a sequence)
    extra_keys: int = 0  # keys per query beyond the context (DeBERTa's relative positions)
    call_flops_per_position: float = 0.0  # once-a-pass products that grow with the context (rotary tables)
    call_flops_fixed: float = 0.0  # once-a-pass products of fixed size (position projections)

    @classmethod
    def of(cls, model) -> "ModelCost":
        family = family_of(model)
        layers = family.layers(model)
        n = sum(p.numel() for name, p in model.named_parameters() if "embeddings." not in f".{name}")
        width = sum(family.num_heads(l) * family.head_size(l) for l in layers)
        encoder = {id(m) for m in layers.modules()}
        linear = [m for m in model.modules() if isinstance(m, nn.Linear)]
        token = sum(m.weight.numel() for m in linear if id(m) in encoder)
        sequence = sum(m.weight.numel() for m in linear if id(m) not in encoder)
        per_position = family.call_flops(model, 1) - family.call_flops(model, 0)
        return cls(
            n, width, token, sequence, family.attention_positions(model, 0), per_position, family.call_flops(model, 0)
        )

    def _parts(self, tokens: int, seq_len: int) -> tuple[float, float, float, float, float]:
        """linear (per token/sequence), content attention, position attention, position projections
        (weights, once a pass), rotary tables (no weights, once a pass)."""
        linear = 2.0 * tokens * self.token_weights + 2.0 * (tokens / seq_len) * self.sequence_weights
        return (
            linear,
            4.0 * tokens * seq_len * self.attn_width,
            4.0 * tokens * self.extra_keys * self.attn_width,
            self.call_flops_fixed,
            self.call_flops_per_position * seq_len,
        )

    def forward_flops(self, tokens: int, seq_len: int) -> float:
        return sum(self._parts(tokens, seq_len))

    def train_flops(self, tokens: int, seq_len: int) -> float:
        linear, content, position, projections, rotary = self._parts(tokens, seq_len)
        return 3.0 * (linear + content + position + projections) + rotary

    def input_grad_flops(self, tokens: int, seq_len: int) -> float:
        # the position keys do not depend on the input: their products need one gradient, not two
        linear, content, position, projections, rotary = self._parts(tokens, seq_len)
        return 2.0 * linear + 3.0 * content + 2.0 * position + projections + rotary


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
        return {
            "flops": dict(self.flops),
            "seconds": dict(self.seconds),
            "dense_reference_flops": self.dense_reference_flops,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "CostMeter":
        return cls(dict(data["flops"]), dict(data["seconds"]), data["dense_reference_flops"])
