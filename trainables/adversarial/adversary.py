"""The interface every adversarial-training method implements, and the perturbation geometry."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

import torch
import torch.nn.functional as F

from trainables.data.batching import model_inputs
from trainables.errors import ConfigError

NORMS = ("l2", "linf")


class Adversary(ABC):
    """Perturbs the word embeddings of a batch; `train_backward` accumulates parameter gradients.  The
    training loops call it `replays` times a batch, an optimizer step after each (1 but for `free`)."""

    replays = 1

    def __init__(self, steps: int, step_size: float, init_mag: float, max_norm: float = 0.0, norm: str = "l2"):
        if int(steps) != steps or steps < 1:
            raise ConfigError(f"parameter 'adv_steps' = {steps!r} is not allowed: use an integer K >= 1")
        if not step_size > 0:
            raise ConfigError(f"parameter 'adv_lr' = {step_size!r} is not allowed: use a step size > 0")
        if init_mag < 0 or max_norm < 0:
            raise ConfigError("parameters 'adv_init_mag' and 'adv_max_norm' must be >= 0")
        if norm not in NORMS:
            raise ConfigError(f"parameter 'adv_norm' = {norm!r} is unknown: use one of {', '.join(NORMS)}")
        self.steps, self.step_size, self.init_mag = int(steps), float(step_size), float(init_mag)
        self.max_norm, self.norm = float(max_norm), norm

    @abstractmethod
    def step_flops(self, cost, tokens: int, seq_len: int) -> float:
        """FLOPs of one training step on a batch of `tokens` tokens (`cost`: a `ModelCost`)."""

    @abstractmethod
    def train_backward(self, model, batch: dict, extra_loss: Callable[[], torch.Tensor] | None = None) -> float:
        """Run the adversarial loss and its backward pass(es); return the adversarial loss."""

    def state(self) -> dict[str, torch.Tensor]:
        """What the method carries from one batch to the next (a checkpoint keeps it); none by default."""
        return {}

    def load_state(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore `state()` on resume."""
        if tensors:
            raise ValueError(f"{type(self).__name__} carries nothing between batches, got {sorted(tensors)}")

    # -- geometry shared by the methods ------------------------------------------------------
    def init_delta(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.unsqueeze(-1).to(embeds.dtype)
        if self.init_mag == 0:
            return torch.zeros_like(embeds)
        if self.norm == "l2":
            delta = (torch.rand_like(embeds) * 2 - 1) * mask
            dims = mask.sum(dim=(1, 2)) * embeds.size(-1)
            return delta * (self.init_mag / dims.sqrt()).view(-1, 1, 1)
        return (torch.rand_like(embeds) * 2 - 1) * self.init_mag * mask

    def ascend(self, delta: torch.Tensor, grad: torch.Tensor, radius: float) -> torch.Tensor:
        """One normalised ascent step, then projection onto the ball of `radius` (0 = none)."""
        if self.norm == "l2":
            norms = grad.flatten(1).norm(dim=1).clamp_min(1e-8).view(-1, 1, 1)
            delta = delta + self.step_size * grad / norms
        else:
            delta = delta + self.step_size * grad.sign()
        return project(delta, radius, self.norm)


def project(delta: torch.Tensor, radius: float, norm: str) -> torch.Tensor:
    if radius <= 0:
        return delta
    if norm == "l2":
        norms = delta.flatten(1).norm(dim=1).view(-1, 1, 1)
        return delta * torch.clamp(radius / norms.clamp_min(1e-12), max=1.0)
    return delta.clamp(-radius, radius)


def adv_logits(model, batch: dict, embeds: torch.Tensor) -> torch.Tensor:
    """Logits for perturbed word embeddings; token_type_ids are passed (the reference dropped them)."""
    inputs = model_inputs(batch)
    inputs.pop("input_ids")
    return model(inputs_embeds=embeds, **inputs).logits


def adv_loss(model, batch: dict, embeds: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(adv_logits(model, batch, embeds), batch["labels"])


def word_embeddings(model, batch: dict) -> torch.Tensor:
    return model.get_input_embeddings()(batch["input_ids"])
