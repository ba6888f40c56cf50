"""Embedding-space PGD robust accuracy: a cheap robustness proxy a sweep can report while training.

Not a text attack: it perturbs word embeddings inside an l2 (or linf) ball, so its numbers are
comparable between tickets of one sweep, not with the paper's word-level Aua.
"""

from __future__ import annotations

import torch

from trainables.adversarial import PGD
from trainables.adversarial.adversary import adv_logits, word_embeddings
from trainables.data.batching import to_device


def robust_accuracy(
    model,
    loader,
    dev,
    steps: int = 5,
    step_size: float = 0.05,
    radius: float = 0.5,
    norm: str = "l2",
    max_batches: int | None = None,
) -> dict:
    """Clean and robust accuracy (fractions) over the loader, model in eval mode."""
    pgd = PGD(steps, step_size, init_mag=0.0, max_norm=radius, norm=norm)
    was_training = model.training
    model.eval()
    clean = robust = total = 0
    for b, batch in enumerate(loader):
        if max_batches is not None and b >= max_batches:
            break
        batch = to_device(batch, dev)
        delta = pgd.perturb(model, batch)
        with torch.no_grad():
            embeds = word_embeddings(model, batch)
            clean += (adv_logits(model, batch, embeds).argmax(-1) == batch["labels"]).sum().item()
            robust += (adv_logits(model, batch, embeds + delta).argmax(-1) == batch["labels"]).sum().item()
        total += batch["labels"].numel()
    model.train(was_training)
    return {"clean_acc": clean / max(total, 1), "robust_acc": robust / max(total, 1)}
