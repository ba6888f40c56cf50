"""Analytic FLOPs: pruning reduces them by what the ticket removes."""
import numpy as np
import pytest

from trainables.data.models import load_model
from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.pruning import prune_model
from trainables.earlyrobust.tickets import draw_ticket


def test_flops_follow_kaplan_and_shrink_with_pruning():
    model = load_model("tiny-bert", 2)
    dense = ModelCost.of(model)
    hidden, layers = 32, 2
    per_layer = 4 * (hidden * hidden + hidden) + 2 * hidden * 64 + 64 + hidden + 4 * hidden
    assert dense.non_embedding_params == layers * per_layer + (hidden * hidden + hidden) + (hidden * 2 + 2)
    assert dense.attn_width == layers * hidden
    assert dense.train_flops(100, 10, passes=5) == 5 * 3 * 100 * (2 * dense.non_embedding_params + 2 * 10 * 64)
    heads, ffn = structure(model)
    ticket = draw_ticket([np.arange(n, dtype=float) for n in heads], [np.arange(n, dtype=float) for n in ffn], 0.5, 0.5)
    prune_model(model, ticket)
    pruned = ModelCost.of(model)
    assert pruned.attn_width == dense.attn_width // 2
    # 4 heads removed (3 x 8 x 33 Q/K/V weights+biases and 8 x 32 output columns each), 64 neurons (2 x 32 + 1 each)
    assert pruned.non_embedding_params == dense.non_embedding_params - 4 * (3 * 8 * 33 + 8 * 32) - 64 * 65
    assert pruned.forward_flops(1, 10) < dense.forward_flops(1, 10)


def test_cost_meter_speedup_and_round_trip():
    meter = CostMeter()
    meter.add("search", 10.0)
    meter.add("finetune", 30.0)
    meter.dense_reference_flops = 200.0
    assert meter.train_flops == 40.0 and meter.speedup_vs_dense == pytest.approx(5.0)
    with meter.timed("search"):
        pass
    assert CostMeter.from_dict(meter.to_dict()) == meter
