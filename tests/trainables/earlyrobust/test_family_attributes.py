"""Every family adapter records, in the ticket's config.json, the pruned head counts and widths its
forward pass may read (so a ticket does not lean on one transformers release reshaping with -1)."""

import json

import pytest
import torch

from trainables.data.models import load_model, load_tokenizer
from trainables.earlyrobust.families import family_of
from trainables.earlyrobust.pruning import prune_model, save_pruned
from trainables.earlyrobust.tickets import Ticket

COUNTS = {"num_attention_heads", "n_heads", "num_heads"}
WIDTHS = {"all_head_size", "dim"}
HEAD_SIZES = {"attention_head_size", "head_dim"}


@pytest.mark.parametrize("name", ["tiny-bert", "tiny-roberta", "tiny-distilbert", "tiny-deberta-v3", "tiny-modernbert"])
def test_the_ticket_records_what_each_pruned_attention_reads(name, tmp_path):
    model = load_model(name, 2, seed=0)
    family = family_of(model)
    layers = family.layers(model)
    heads = [list(range(1 + k % family.num_heads(l))) for k, l in enumerate(layers)]  # 1, 2, ... heads kept
    size = family.head_size(layers[0])
    ticket = Ticket(
        heads=heads,
        neurons=[list(range(0, family.ffn_size(l), 2)) for l in layers],
        num_heads=[family.num_heads(l) for l in layers],
        ffn_sizes=[family.ffn_size(l) for l in layers],
        head_ratio=0.0,
        ffn_ratio=0.5,
    )
    prune_model(model, ticket)
    folder = save_pruned(model, ticket, tmp_path / "t", load_tokenizer(name), 32)
    recorded = json.loads((folder / "config.json").read_text())["ticket_layout"]["attributes"]
    assert len(recorded) == len(layers), "one entry per layer"
    for kept, values in zip(heads, recorded.values()):
        assert COUNTS & set(values) and WIDTHS & set(values), values
        assert all(values[k] == len(kept) for k in COUNTS & set(values))
        assert all(values[k] == len(kept) * size for k in WIDTHS & set(values))
        assert all(values[k] == size for k in HEAD_SIZES & set(values))
    for layer, kept in zip(layers, heads):  # and the live modules agree with what was recorded
        assert family.num_heads(layer) == len(kept)
    with torch.no_grad():
        out = model(input_ids=torch.tensor([[101, 2023, 2003, 102]]))
    assert out.logits.shape == (1, 2)
