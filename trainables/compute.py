"""Where and how models run: the device Ray (or the user) made visible, mixed precision on it, and a
model's accuracy over a loader."""

from __future__ import annotations

from contextlib import nullcontext

import torch

from trainables.data.batching import model_inputs, to_device


def device() -> torch.device:
    """CUDA when Ray (or the user) made a GPU visible, CPU otherwise."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def autocast(dev: torch.device):
    """bf16 mixed precision on GPU; full precision on CPU."""
    return torch.autocast("cuda", dtype=torch.bfloat16) if dev.type == "cuda" else nullcontext()


@torch.no_grad()
def evaluate_accuracy(model, loader, dev: torch.device) -> float:
    """Accuracy of `model` over `loader` (its train/eval mode left as it was)."""
    was_training = model.training
    model.eval()
    correct = total = 0
    for batch in loader:
        batch = to_device(batch, dev)
        with autocast(dev):
            logits = model(**model_inputs(batch)).logits
        correct += (logits.argmax(-1) == batch["labels"]).sum().item()
        total += batch["labels"].numel()
    model.train(was_training)
    return correct / max(total, 1)
