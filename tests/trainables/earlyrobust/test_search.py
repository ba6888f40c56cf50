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
    settings = SearchSettings(head_ratio=0.25, ffn_ratio=0.4, lr=1e-3, l1_head=1e-3, l1_ffn=1e-3,
                              epochs=epochs, check_interval=0.125)
    cost, seen = CostMeter(), []
    result = run_search(model, loader, settings, make_adversary("freelb", 2, 0.01, 0.05),
                        make_rule("earlyrobust", eps, 3), cost, torch.device("cpu"), seen.append)
    return result, cost, seen, model


def test_search_stops_before_its_budget_when_the_ticket_converges(sst2_train, tokenizer):
    result, cost, seen, model = search(sst2_train, tokenizer, eps=0.15)
    assert result.ticket.converged and "converged" in result.ticket.note
    assert result.steps < 2 * result.steps_per_epoch, "the online rule must stop the search early"
    assert result.ticket.step == result.steps - 3 * 4, "the ticket is the oldest mask of the window"
    assert result.ticket.step > 0
    assert len(seen) == len(result.checks) == result.steps // 4
    assert seen[-1]["converged"] and not any(r["converged"] for r in seen[:-1])
    # cost: 2 passes x 3 x forward FLOPs per token, on the dense model
    assert cost.flops["search"] > 0 and cost.seconds["search"] > 0
    assert cost.flops["search"] >= 2 * 3 * 2 * ModelCost.of(model).non_embedding_params * result.steps * 32 * 5


def test_search_without_convergence_draws_at_the_end_and_says_so(sst2_train, tokenizer):
    result, _, seen, _ = search(sst2_train, tokenizer, eps=1e-9, epochs=0.5)
    assert not result.ticket.converged and "not converged" in result.ticket.note
    assert result.steps == 16 and result.ticket.step == 16
    assert all(math.isnan(r["head_window"]) or r["head_window"] >= 0 for r in seen)
    assert result.ticket.head_sparsity == 0.25  # a real draw at the ratios, never random
