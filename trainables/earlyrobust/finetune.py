"""Stage 2: fine-tune the pruned ticket (plain cross-entropy as in the paper, or adversarially: all of it,
or only its first or last share of batches)."""

from __future__ import annotations

from typing import Callable

import torch.nn.functional as F

from trainables.adversarial import Adversary
from trainables.compute import autocast
from trainables.data.batching import model_inputs, to_device
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.training import (
    batch_shape,
    exempt_from_decay,
    make_optimizer,
    make_schedule,
    optimizer_step,
)


def finetune(
    model,
    loader,
    epochs: int,
    lr: float,
    weight_decay: float,
    cost: CostMeter,
    dev,
    adversary: Adversary | None = None,
    dense_reference: tuple[ModelCost, Adversary] | None = None,
    on_epoch: Callable[[int, object, float], None] | None = None,
    start_epoch: int = 0,
    optimizer_state: dict | None = None,
    on_mark: Callable[[float], None] | None = None,
    marks_per_epoch: int = 1,
    adv_share: float = 1.0,
    adv_at: str = "last",
):
    """Train for `epochs` epochs (resuming at `start_epoch`); `on_epoch(epoch, optimizer, mean loss)` runs
    after each.  A resumed run continues exactly when the caller restored the loader's generator and
    the global RNG as they were after epoch `start_epoch` (`checkpoint.save_rng`).

    `dense_reference` = (cost of the dense model, the reference adversary) accumulates the FLOPs the
    dense reference would spend on the same tokens, for the speed-up figure.
    `on_mark(epoch)` runs `marks_per_epoch - 1` times inside each epoch, at even fractions of it (the
    epoch's end is `on_epoch`'s), outside the timed training: a measurement along the way costs no
    training time.
    `adv_share` of the batches (the first or the last ones, `adv_at`) are trained by `adversary`, the
    others with plain CE (one optimizer step each, also for `free`).
    Returns the optimizer (its state is checkpointed between epochs).
    """
    named = list(model.named_parameters())
    optimizer = make_optimizer(named, lr, weight_decay, exempt_from_decay(model))
    window = AdversarialWindow(epochs * len(loader), adv_share if adversary is not None else 0.0, adv_at)
    replays = adversary.replays if adversary is not None else 1  # optimizer steps an adversarial batch (free: m)
    scheduler = make_schedule(optimizer, window.steps_before(epochs * len(loader), replays), warmup_ratio=0.0)
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)
    for _ in range(window.steps_before(start_epoch * len(loader), replays)):
        scheduler.step()
    params = [p for _, p in named]
    model_cost = ModelCost.of(model)
    model.train()
    marks = {round(k * len(loader) / marks_per_epoch) for k in range(1, marks_per_epoch)} if on_mark else set()
    for epoch in range(start_epoch, epochs):
        losses = []
        batches = iter(loader)
        for i in range(1, len(loader) + 1):
            with cost.timed("finetune"):  # the batch's loading counted too, as when the epoch was timed whole
                batch = to_device(next(batches), dev)
                tokens, seq_len = batch_shape(batch)
                adversarial = window.holds(epoch * len(loader) + i - 1)
                for _ in range(replays if adversarial else 1):
                    with autocast(dev):
                        if adversarial:
                            loss = adversary.train_backward(model, batch)
                        else:
                            loss_t = F.cross_entropy(model(**model_inputs(batch)).logits, batch["labels"])
                            loss_t.backward()
                            loss = loss_t.item()
                    optimizer_step(params, optimizer, scheduler, loss)
                    cost.add(
                        "finetune",
                        adversary.step_flops(model_cost, tokens, seq_len)
                        if adversarial
                        else model_cost.train_flops(tokens, seq_len),
                    )
                losses.append(loss)
                if dense_reference is not None:
                    cost.dense_reference_flops += dense_reference[1].step_flops(dense_reference[0], tokens, seq_len)
            if i in marks:
                on_mark(epoch + i / len(loader))
        if on_epoch is not None:
            on_epoch(epoch + 1, optimizer, sum(losses) / max(len(losses), 1))
    return optimizer


class AdversarialWindow:
    """Which of `total` fine-tuning batches (counted from 0) are adversarial: the first or the last
    `round(share * total)` of them."""

    def __init__(self, total: int, share: float, at: str):
        n = round(share * total)
        self.start, self.end = (0, n) if at == "first" else (total - n, total)

    def holds(self, batch: int) -> bool:
        return self.start <= batch < self.end

    def steps_before(self, batch: int, replays: int) -> int:
        """Optimizer steps before batch `batch`: one a plain batch, `replays` an adversarial one."""
        adversarial = max(0, min(batch, self.end) - self.start)
        return batch + (replays - 1) * adversarial
