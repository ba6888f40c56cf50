"""Analytic FLOPs against an independent count (torch's FlopCounterMode) of real steps: forward,
a CE training step, FreeLB and PGD steps, on a dense and a pruned model of every encoder family; the
speed-up's edge cases."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode
from transformers import AutoModelForSequenceClassification

from trainables.adversarial import make_adversary
from trainables.data.models import TINY, TINY_INPUTS
from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.cost import CostMeter, ModelCost
from trainables.earlyrobust.pruning import prune_model
from trainables.earlyrobust.tickets import draw_ticket

BATCH, SEQ = 4, 16


def tiny(pruned: bool, name: str = "tiny-bert"):
    torch.manual_seed(0)
    config = TINY[name](100, 2)
    config._attn_implementation = "eager"  # FlopCounterMode counts eager attention's matmuls
    model = AutoModelForSequenceClassification.from_config(config)
    if pruned:
        heads, ffn = structure(model)
        prune_model(
            model,
            draw_ticket([np.arange(n, dtype=float) for n in heads], [np.arange(n, dtype=float) for n in ffn], 0.5, 0.4),
        )
    return model


def batch(name: str = "tiny-bert"):
    g = torch.Generator().manual_seed(1)
    b = {
        "input_ids": torch.randint(3, 100, (BATCH, SEQ), generator=g),
        "attention_mask": torch.ones(BATCH, SEQ, dtype=torch.long),
        "token_type_ids": torch.zeros(BATCH, SEQ, dtype=torch.long),
        "labels": torch.tensor([0, 1, 0, 1]),
    }
    return {k: v for k, v in b.items() if k == "labels" or k in TINY_INPUTS.get(name, b)}


def counted(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def ce_step(model, b):
    inputs = {k: v for k, v in b.items() if k != "labels"}
    F.cross_entropy(model(**inputs).logits, b["labels"]).backward()


@pytest.mark.parametrize("name", [n for n in TINY if n != "random-bert-base"])  # its 1-layer width stays
@pytest.mark.parametrize("pruned", [False, True])
def test_formulas_match_an_independent_count(pruned, name):
    model, b = tiny(pruned, name), batch(name)
    cost, tokens = ModelCost.of(model), BATCH * SEQ
    inputs = {k: v for k, v in b.items() if k != "labels"}
    with torch.no_grad():
        assert cost.forward_flops(tokens, SEQ) == pytest.approx(counted(lambda: model(**inputs)), rel=1e-9)
    assert cost.train_flops(tokens, SEQ) == pytest.approx(counted(lambda: ce_step(model, b)), rel=0.02)
    freelb = make_adversary("freelb", 3, 0.01, 0.05)
    assert freelb.step_flops(cost, tokens, SEQ) == pytest.approx(
        counted(lambda: freelb.train_backward(model, b)), rel=0.02
    )
    pgd = make_adversary("pgd", 3, 0.01, 0.05, max_norm=0.5)
    assert pgd.step_flops(cost, tokens, SEQ) == pytest.approx(counted(lambda: pgd.train_backward(model, b)), rel=0.02)
    # PGD's K ascent passes compute no weight gradients: cheaper than K + 1 training passes
    assert pgd.step_flops(cost, tokens, SEQ) < 4 * cost.train_flops(tokens, SEQ)
    # the cheap methods: single-step with a random start costs one ascent and one training pass; "free"
    # costs one training pass a replay, m replays a batch
    fgsm = make_adversary("fgsm", 5, 0.01, 0.0, max_norm=0.5)
    assert fgsm.step_flops(cost, tokens, SEQ) == pytest.approx(counted(lambda: fgsm.train_backward(model, b)), rel=0.02)
    assert fgsm.step_flops(cost, tokens, SEQ) < 2 * cost.train_flops(tokens, SEQ)
    free = make_adversary("free", 4, 0.01, 0.0, max_norm=0.5)
    assert free.replays == 4
    assert free.step_flops(cost, tokens, SEQ) == pytest.approx(counted(lambda: free.train_backward(model, b)), rel=0.02)
    assert free.step_flops(cost, tokens, SEQ) == cost.train_flops(tokens, SEQ)


def test_pruning_shrinks_the_count_by_what_was_removed():
    dense, pruned = ModelCost.of(tiny(False)), ModelCost.of(tiny(True))
    assert pruned.attn_width == dense.attn_width // 2
    # 4 of 8 heads (3 x 8 x 32 Q/K/V and 8 x 32 output weights each), 51 of 128 neurons (2 x 32 weights each)
    assert pruned.token_weights == dense.token_weights - 4 * 4 * 8 * 32 - 51 * 64
    assert pruned.sequence_weights == dense.sequence_weights


def test_speedup_is_nan_when_undefined_and_the_meter_round_trips():
    meter = CostMeter()
    meter.add("search", 10.0)
    assert math.isnan(meter.speedup_vs_dense), "no dense reference (no fine-tuning): undefined, not 0"
    meter.add("finetune", 30.0)
    meter.dense_reference_flops = 200.0
    assert meter.train_flops == 40.0 and meter.speedup_vs_dense == pytest.approx(5.0)
    with meter.timed("search"):
        pass
    assert CostMeter.from_dict(meter.to_dict()) == meter
    assert math.isnan(CostMeter().speedup_vs_dense)
