"""BERT layout (BERT, RoBERTa, XLM-R, ELECTRA, CamemBERT): `encoder.layer[i].attention.self.{query,key,
value}`, `attention.output.dense`, `intermediate.dense`, `output.dense`.  Attention reshapes with -1
heads, so layers may keep different head counts."""

from __future__ import annotations

import torch

from trainables.earlyrobust.families.family import Family, head_rows, prune_into


class Bert(Family):
    name = "bert"
    model_types = ("bert", "roberta", "xlm-roberta", "electra", "camembert")
    projections = ("query", "key", "value")  # the per-head projections of `attention.self`

    def layers(self, model):
        return model.base_model.encoder.layer

    def head_size(self, layer):
        return layer.attention.self.attention_head_size

    def head_output(self, layer):
        return layer.attention.output.dense

    def ffn_output(self, layer):
        return layer.output.dense

    def prune_layer(self, layer, kept_heads, kept_neurons):
        attn, rows = layer.attention.self, head_rows(kept_heads, self.head_size(layer))
        prune_into(attn, self.projections, rows, 0)
        prune_into(layer.attention.output, ("dense",), rows, 1)
        attn.num_attention_heads, attn.all_head_size = len(kept_heads), len(rows)
        neurons = torch.tensor(kept_neurons, dtype=torch.long)
        prune_into(layer.intermediate, ("dense",), neurons, 0)
        prune_into(layer.output, ("dense",), neurons, 1)

    def attributes(self, layer):
        attn = layer.attention.self
        return {
            "attention.self": {
                "num_attention_heads": attn.num_attention_heads,
                "all_head_size": attn.all_head_size,
                "attention_head_size": attn.attention_head_size,
            }
        }
