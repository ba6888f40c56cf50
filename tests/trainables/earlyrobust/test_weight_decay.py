"""Weight decay spares every bias and every normalisation weight, in each family, whatever its name."""

import re

import pytest

from trainables.data.models import load_model
from trainables.earlyrobust.slimming import SlimmingCoefficients
from trainables.earlyrobust.training import exempt_from_decay, make_optimizer

# each family's normalisation weights, by the names its transformers modules give them
NORMS = {
    "tiny-bert": r"LayerNorm\.weight$",
    "tiny-roberta": r"LayerNorm\.weight$",
    "tiny-distilbert": r"(sa_layer_norm|output_layer_norm|LayerNorm)\.weight$",
    "tiny-deberta-v3": r"LayerNorm\.weight$",
    "tiny-modernbert": r"(embeddings\.norm|attn_norm|mlp_norm|final_norm|head\.norm)\.weight$",
}


@pytest.mark.parametrize("name", sorted(NORMS))
def test_biases_and_norm_weights_are_exempt_and_nothing_else(name):
    model = load_model(name, 2, seed=0)
    names = [n for n, _ in model.named_parameters()]
    expected = {n for n in names if n.endswith(".bias") or re.search(NORMS[name], n)}
    assert exempt_from_decay(model) == expected
    norms = {n for n in names if re.search(NORMS[name], n)}
    assert norms and all("norm" in n.lower() for n in norms)
    coefficients = SlimmingCoefficients(model)
    named = list(model.named_parameters()) + [(f"slimming.{n}", p) for n, p in coefficients.named_parameters()]
    decayed, free = make_optimizer(named, 1e-3, 0.01, exempt_from_decay(model)).param_groups
    assert decayed["weight_decay"] == 0.01 and free["weight_decay"] == 0.0
    by_id = {id(p): n for n, p in named}
    assert {by_id[id(p)] for p in free["params"]} == expected
    assert {n for n in (by_id[id(p)] for p in decayed["params"]) if n.startswith("slimming.")}, (
        "the search's coefficients are decayed, as in the reference"
    )
    if name == "tiny-modernbert":
        assert any("attn_norm" in n for n in expected) and any("final_norm" in n for n in expected)
