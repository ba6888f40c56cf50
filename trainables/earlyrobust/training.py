"""Shared pieces of the search and fine-tuning loops: optimiser, schedule, guards."""

from __future__ import annotations

import math

import torch
from transformers import get_linear_schedule_with_warmup

from trainables.errors import DivergedError


def exempt_from_decay(model) -> set[str]:
    """Parameter names that get no weight decay: every bias and every normalisation layer's weights,
    found by module type, whatever the family calls them (BERT's `LayerNorm`, DistilBERT's
    `sa_layer_norm`, ModernBERT's `attn_norm`, `mlp_norm`, `final_norm`, `embeddings.norm`)."""
    out = set()
    for prefix, module in model.named_modules():
        norm = isinstance(module, (torch.nn.LayerNorm, torch.nn.RMSNorm)) or type(module).__name__.endswith("Norm")
        for name, _ in module.named_parameters(recurse=False):
            if norm or name == "bias":
                out.add(f"{prefix}.{name}" if prefix else name)
    return out


def make_optimizer(named_params, lr: float, weight_decay: float, exempt: set[str] = frozenset()) -> torch.optim.AdamW:
    """One AdamW; weight decay on everything but `exempt` (`exempt_from_decay`) and biases (the search's
    coefficients included, as in the reference)."""
    params = [(n, p) for n, p in named_params if p.requires_grad]
    free = {n for n, _ in params if n in exempt or n.endswith(".bias") or n == "bias"}
    groups = [
        {"params": [p for n, p in params if n not in free], "weight_decay": weight_decay},
        {"params": [p for n, p in params if n in free], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr, eps=1e-8)


def make_schedule(optimizer, total_steps: int, warmup_ratio: float):
    return get_linear_schedule_with_warmup(optimizer, int(warmup_ratio * total_steps), max(total_steps, 1))


def optimizer_step(params, optimizer, scheduler, loss_value: float, max_grad_norm: float = 1.0) -> None:
    """Clip, step, schedule; a non-finite loss or gradient raises DivergedError."""
    params = [p for p in params if p.grad is not None]
    norm = torch.nn.utils.clip_grad_norm_(params, max_grad_norm)
    if not math.isfinite(loss_value) or not torch.isfinite(norm):
        optimizer.zero_grad(set_to_none=True)
        raise DivergedError(f"training diverged: loss {loss_value}, gradient norm {float(norm)}")
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)


def batch_shape(batch: dict) -> tuple[int, int]:
    """(padded tokens, sequence length) of a batch."""
    ids = batch["input_ids"]
    return ids.numel(), ids.size(1)
