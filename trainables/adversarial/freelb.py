"""FreeLB (Zhu et al., ICLR 2020) as EarlyRobust runs it: K ascent steps on the word embeddings,
parameter gradients accumulated over all K with the loss averaged; extra loss (L1) added once."""

from __future__ import annotations

from trainables.adversarial.adversary import Adversary, adv_loss, word_embeddings


class FreeLB(Adversary):
    def step_flops(self, cost, tokens, seq_len) -> float:
        """K training passes: each computes weight gradients (accumulated) and the input gradient."""
        return self.steps * cost.train_flops(tokens, seq_len)

    def train_backward(self, model, batch, extra_loss=None) -> float:
        delta = self.init_delta(word_embeddings(model, batch).detach(), batch["attention_mask"])
        total = 0.0
        for t in range(self.steps):
            delta.requires_grad_()
            loss = adv_loss(model, batch, word_embeddings(model, batch) + delta) / self.steps
            total += loss.item()
            last = t == self.steps - 1
            (loss + extra_loss() if last and extra_loss is not None else loss).backward()
            if last:
                break
            delta = self.ascend(delta.detach(), delta.grad.detach(), self.max_norm)
        return total
