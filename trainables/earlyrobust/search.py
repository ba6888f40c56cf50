"""Stage 1: the robust ticket search.

Weights and slimming coefficients train jointly under an adversarial loss plus an L1 penalty on
the coefficients.  Every `check_interval` of an epoch the ticket is drawn at the target ratios and
given to the convergence rule; the search stops as soon as the rule fires (that is where the
compute is saved).  If the budget ends first, the ticket is drawn at the end and marked
`converged=False`: there is never a silent fallback to random pruning.

Given a `recording` list, the search also keeps the scores and the cost so far at every check (and
at the end), so that `replay.py` can find offline the ticket any other ratios or ε would give.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, fields, replace
from typing import Callable

from trainables.adversarial import Adversary
from trainables.compute import autocast
from trainables.config import validate_config
from trainables.convergence import ConvergenceRule
from trainables.data.batching import to_device
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.slimming import SlimmingCoefficients
from trainables.earlyrobust.tickets import Ticket, draw_ticket
from trainables.earlyrobust.training import (
    batch_shape,
    exempt_from_decay,
    make_optimizer,
    make_schedule,
    optimizer_step,
)


@dataclass
class SearchSettings:
    """The search's settings, named after their parameters in `trainables/config.py` (where every
    default lives) except `scope` (prune_scope) and `epochs` (search_epochs)."""

    head_ratio: float
    ffn_ratio: float
    scope: str
    lr: float
    weight_decay: float
    warmup_ratio: float
    l1_head: float
    l1_ffn: float
    epochs: float  # budget
    check_interval: float  # epoch fraction
    ffn_multiple: int

    PARAM_NAMES = {"scope": "prune_scope", "epochs": "search_epochs"}

    @classmethod
    def from_config(cls, cfg: dict) -> "SearchSettings":
        return cls(**{f.name: cfg[cls.PARAM_NAMES.get(f.name, f.name)] for f in fields(cls)})

    @classmethod
    def with_defaults(cls, **changes) -> "SearchSettings":
        """The platform's defaults with some settings changed (tests, benchmarks)."""
        return replace(cls.from_config(validate_config({})), **changes)


@dataclass
class Snapshot:
    """The slimming scores at one step, with the search cost spent up to it."""

    step: int
    epoch: float
    heads: list
    ffn: list
    flops: float
    seconds: float
    check: bool = True  # False: the end of the budget, between checks


@dataclass
class SearchResult:
    ticket: Ticket
    checks: list[dict] = field(default_factory=list)
    steps: int = 0
    epochs: float = 0.0
    steps_per_epoch: int = 0


def budget_steps(epochs: float, steps_per_epoch: int) -> int:
    """Training steps of a search budget of `epochs` epochs (at least one)."""
    return max(1, math.ceil(epochs * steps_per_epoch))


def run_search(
    model,
    loader,
    settings: SearchSettings,
    adversary: Adversary,
    rule: ConvergenceRule,
    cost: CostMeter,
    dev,
    on_check: Callable[[dict], None] | None = None,
    recording: list[Snapshot] | None = None,
    stop_on_convergence: bool = True,
    enough: Callable[[Snapshot], bool] | None = None,
) -> SearchResult:
    """Search a ticket: stop at convergence (or, recording with `stop_on_convergence=False`, once
    `enough(last snapshot)` says the recording covers what its readers need, else at the budget)."""
    steps_per_epoch = len(loader)
    budget = budget_steps(settings.epochs, steps_per_epoch)
    interval = max(1, round(settings.check_interval * steps_per_epoch))
    coefs = SlimmingCoefficients(model)
    named = list(model.named_parameters()) + [(f"slimming.{n}", p) for n, p in coefs.named_parameters()]
    optimizer = make_optimizer(named, settings.lr, settings.weight_decay, exempt_from_decay(model))
    scheduler = make_schedule(optimizer, budget * adversary.replays, settings.warmup_ratio)
    model_cost = ModelCost.of(model)
    params = [p for _, p in named]
    checks: list[dict] = []

    spent_before, started = cost.seconds.get("search", 0.0), time.perf_counter()

    def draw(step: int, check: bool = True) -> Ticket:
        heads, ffn = coefs.scores()
        if recording is not None and not (recording and recording[-1].step == step):
            recording.append(
                Snapshot(
                    step,
                    step / steps_per_epoch,
                    heads,
                    ffn,
                    cost.flops.get("search", 0.0),
                    spent_before + time.perf_counter() - started,
                    check,
                )
            )
        return draw_ticket(
            heads,
            ffn,
            settings.head_ratio,
            settings.ffn_ratio,
            settings.scope,
            step=step,
            epoch=step / steps_per_epoch,
            ffn_multiple=settings.ffn_multiple,
        )

    covered = [False]

    def stopped() -> bool:
        return (stop_on_convergence and rule.converged) or covered[0]

    model.train()
    step = 0
    try:
        with cost.timed("search"):
            while step < budget and not stopped():
                for batch in loader:
                    batch = to_device(batch, dev)
                    tokens, seq_len = batch_shape(batch)
                    for _ in range(adversary.replays):  # an optimizer step each (free: m replays of the batch)
                        with autocast(dev):
                            loss = adversary.train_backward(
                                model, batch, lambda: coefs.l1_penalty(settings.l1_head, settings.l1_ffn)
                            )
                        optimizer_step(params, optimizer, scheduler, loss)
                        cost.add("search", adversary.step_flops(model_cost, tokens, seq_len))
                    step += 1
                    if step % interval == 0:
                        record = rule.update(draw(step))
                        record["loss"] = loss
                        checks.append(record)
                        if on_check is not None:
                            on_check(record)
                        if enough is not None and recording:
                            covered[0] = enough(recording[-1])
                    if step >= budget or stopped():
                        break
        if recording is not None:
            draw(step, check=False)  # the end of the search, for a replay that does not converge
        ticket = final_ticket(rule, lambda: draw(step), settings.epochs)
        ticket.extra["stopped_at_step"] = step
    finally:
        coefs.remove()
    return SearchResult(ticket, checks, step, step / steps_per_epoch, steps_per_epoch)


def final_ticket(rule: ConvergenceRule, draw_now: Callable[[], Ticket], budget_epochs: float) -> Ticket:
    """The rule's ticket if it fired, else the ticket drawn now, marked as not converged."""
    if rule.converged:
        ticket = rule.ticket
        ticket.note = f"converged: {rule.name} rule, eps {rule.eps}, window {rule.window}"
        return ticket
    ticket = draw_now()
    ticket.converged = False
    ticket.note = f"not converged within {budget_epochs} epochs: drawn at the end of the budget"
    return ticket
