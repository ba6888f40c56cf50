"""Single-step adversarial training with a random start (Wong, Rice & Kolter, ICLR 2020, "Fast is
better than free"), on word embeddings: δ drawn uniformly in the ε-ball (ε = max_norm), one ascent
step of α = 1.25 ε (the paper's step-size rule, which keeps single-step training from catastrophic
overfitting; `adv_lr` and `adv_steps` are not used), projected back onto the ball, then one training
pass on the perturbed embeddings."""

from __future__ import annotations

import torch

from trainables.adversarial.adversary import Adversary, adv_loss, project, word_embeddings
from trainables.errors import ConfigError

STEP_RULE = 1.25  # α / ε


class FGSM(Adversary):
    replays = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_norm <= 0:
            raise ConfigError("parameter 'adv_max_norm' must be > 0 for fgsm: it is the radius of the ε-ball")

    def step_flops(self, cost, tokens, seq_len) -> float:
        """One ascent pass (forward + input gradient, no weight gradients), then one training pass."""
        return cost.input_grad_flops(tokens, seq_len) + cost.train_flops(tokens, seq_len)

    def perturb(self, model, batch) -> torch.Tensor:
        embeds = word_embeddings(model, batch).detach()
        mask = batch["attention_mask"].unsqueeze(-1).to(embeds.dtype)
        if self.norm == "linf":
            delta = (torch.rand_like(embeds) * 2 - 1) * self.max_norm * mask
        else:  # a uniform direction, a radius uniform in [0, ε]
            delta = torch.randn_like(embeds) * mask
            radius = torch.rand(embeds.size(0), 1, 1, device=embeds.device, dtype=embeds.dtype) * self.max_norm
            delta = delta / delta.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1) * radius
        delta.requires_grad_()
        (grad,) = torch.autograd.grad(adv_loss(model, batch, embeds + delta), delta)
        step = STEP_RULE * self.max_norm
        if self.norm == "linf":
            delta = delta.detach() + step * grad.sign()
        else:
            delta = delta.detach() + step * grad / grad.flatten(1).norm(dim=1).clamp_min(1e-8).view(-1, 1, 1)
        return project(delta, self.max_norm, self.norm) * mask

    def train_backward(self, model, batch, extra_loss=None) -> float:
        delta = self.perturb(model, batch)
        loss = adv_loss(model, batch, word_embeddings(model, batch) + delta)
        (loss + extra_loss() if extra_loss is not None else loss).backward()
        return loss.item()
