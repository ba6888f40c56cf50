"""PGD (Madry et al., 2018) on word embeddings: K ascent steps inside the ε-ball (ε = max_norm),
then one training pass on the final perturbation."""

from __future__ import annotations

import torch

from trainables.adversarial.adversary import Adversary, adv_loss, project, word_embeddings
from trainables.errors import ConfigError


class PGD(Adversary):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_norm <= 0:
            raise ConfigError("parameter 'adv_max_norm' must be > 0 for PGD: it is the radius of the ε-ball")

    def step_flops(self, cost, tokens, seq_len) -> float:
        """K ascent passes (forward + input gradient, no weight gradients), then one training pass."""
        return self.steps * cost.input_grad_flops(tokens, seq_len) + cost.train_flops(tokens, seq_len)

    def perturb(self, model, batch) -> torch.Tensor:
        """The final perturbation δ_K (model weights receive no gradient)."""
        embeds = word_embeddings(model, batch).detach()
        delta = project(self.init_delta(embeds, batch["attention_mask"]), self.max_norm, self.norm)
        for _ in range(self.steps):
            delta.requires_grad_()
            (grad,) = torch.autograd.grad(adv_loss(model, batch, embeds + delta), delta)
            delta = self.ascend(delta.detach(), grad, self.max_norm)
        return delta.detach()

    def train_backward(self, model, batch, extra_loss=None) -> float:
        delta = self.perturb(model, batch)
        loss = adv_loss(model, batch, word_embeddings(model, batch) + delta)
        (loss + extra_loss() if extra_loss is not None else loss).backward()
        return loss.item()
