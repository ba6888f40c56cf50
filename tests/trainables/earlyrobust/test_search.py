"""A real search on SST-2 (tiny BERT) stops on convergence before its budget; cost is accounted."""

import math

import torch

from trainables.adversarial import make_adversary
from trainables.convergence import make_rule
from trainables.data.batching import make_loader
from trainables.data.models import load_model
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.search import SearchSettings, run_search


def search(sst2_train, tokenizer, eps, epochs=2.0):
    model = load_model("tiny-bert", 2, seed=0)
    loader = make_loader(sst2_train.select(range(1024)), tokenizer, 32, 48, shuffle=True, seed=0)
    settings = SearchSettings.with_defaults(
        head_ratio=0.25, ffn_ratio=0.4, lr=1e-3, l1_head=1e-3, l1_ffn=1e-3, epochs=epochs, check_interval=0.125
    )
    cost, seen = CostMeter(), []
    result = run_search(
        model,
        loader,
        settings,
        make_adversary("freelb", 2, 0.01, 0.05),
        make_rule("earlyrobust", eps, 3),
        cost,
        torch.device("cpu"),
        seen.append,
    )
    return result, cost, seen, model


def test_search_stops_before_its_budget_when_the_ticket_converges(sst2_train, tokenizer):
    result, cost, seen, model = search(sst2_train, tokenizer, eps=0.15)
    assert result.ticket.converged and "converged" in result.ticket.note
    assert result.steps < 2 * result.steps_per_epoch, "the online rule must stop the search early"
    assert result.ticket.step == result.steps - 3 * 4, "the ticket is the oldest mask of the window"
    assert result.ticket.step > 0
    assert len(seen) == len(result.checks) == result.steps // 4
    assert seen[-1]["converged"] and not any(r["converged"] for r in seen[:-1])
    # cost: every step charged as 2 FreeLB training passes on the dense model (coefficients cost nothing)
    assert cost.seconds["search"] > 0
    dense = ModelCost.of(model)  # batches of 32 padded to their longest sentence: 5 to 48 tokens
    assert result.steps * 2 * dense.train_flops(32 * 5, 5) <= cost.flops["search"]
    assert cost.flops["search"] <= result.steps * 2 * dense.train_flops(32 * 48, 48)


def test_search_without_convergence_draws_at_the_end_and_says_so(sst2_train, tokenizer):
    result, _, seen, _ = search(sst2_train, tokenizer, eps=1e-9, epochs=0.5)
    assert not result.ticket.converged and "not converged" in result.ticket.note
    assert result.steps == 16 and result.ticket.step == 16
    window_full = [not math.isnan(r["head_window"]) for r in seen]
    assert window_full == [False] * 3 + [True] * (len(seen) - 3), "window 3: a distance from the 4th mask on"
    assert all(0 <= r["head_window"] <= 1 and 0 <= r["ffn_window"] <= 1 for r in seen[3:])
    assert any(r["ffn_window"] > 1e-9 for r in seen[3:]), "the FFN mask moves (that is why it never converges)"
    assert result.ticket.head_sparsity == 0.25  # a real draw at the ratios, never random
