""" "Free" adversarial training (Shafahi et al., NeurIPS 2019), on word embeddings: each minibatch is
replayed m = `adv_steps` times; every replay is one training pass whose backward gives the weights'
gradient (an optimizer step) and the perturbation's at once, so δ climbs by ε (`max_norm`, the
paper's step) each replay for free; δ starts at 0 and is carried to the next minibatch when its shape
allows.  A replay costs one training pass: an epoch costs m, so run 1/m of the epochs."""

from __future__ import annotations

import torch

from trainables.adversarial.adversary import Adversary, adv_loss, project, word_embeddings
from trainables.errors import ConfigError


class Free(Adversary):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_norm <= 0:
            raise ConfigError("parameter 'adv_max_norm' must be > 0 for free: it is the radius of the ε-ball")
        self.delta: torch.Tensor | None = None

    @property
    def replays(self) -> int:
        return self.steps

    def state(self) -> dict[str, torch.Tensor]:
        return {} if self.delta is None else {"delta": self.delta}

    def load_state(self, tensors: dict[str, torch.Tensor]) -> None:
        self.delta = tensors.get("delta")

    def step_flops(self, cost, tokens, seq_len) -> float:
        """One replay: one training pass (its backward yields the perturbation's gradient too)."""
        return cost.train_flops(tokens, seq_len)

    def train_backward(self, model, batch, extra_loss=None) -> float:
        embeds = word_embeddings(model, batch)
        mask = batch["attention_mask"].unsqueeze(-1).to(embeds.dtype)
        if self.delta is None or self.delta.shape != embeds.shape:
            self.delta = torch.zeros_like(embeds.detach())
        delta = (self.delta * mask).requires_grad_()
        loss = adv_loss(model, batch, embeds + delta)
        (loss + extra_loss() if extra_loss is not None else loss).backward()
        grad = delta.grad.detach()
        if self.norm == "linf":
            step = self.max_norm * grad.sign()
        else:
            step = self.max_norm * grad / grad.flatten(1).norm(dim=1).clamp_min(1e-8).view(-1, 1, 1)
        self.delta = project(delta.detach() + step, self.max_norm, self.norm)
        return loss.item()
