"""DistilBERT: `transformer.layer[i].attention.{q_lin,k_lin,v_lin,out_lin}`, `ffn.{lin1,lin2}`.
Attention reshapes with -1 heads, so layers may keep different head counts; releases that compute the
head size as `dim // n_heads` read both, so pruning sets `n_heads` and `dim` to what the layer keeps."""

from __future__ import annotations

import torch

from trainables.earlyrobust.families.family import Family, head_rows, prune_into


class DistilBert(Family):
    name = "distilbert"
    model_types = ("distilbert",)

    def layers(self, model):
        return model.distilbert.transformer.layer

    def head_size(self, layer):
        return layer.attention.attention_head_size

    def head_output(self, layer):
        return layer.attention.out_lin

    def ffn_output(self, layer):
        return layer.ffn.lin2

    def prune_layer(self, layer, kept_heads, kept_neurons):
        attn, rows = layer.attention, head_rows(kept_heads, self.head_size(layer))
        prune_into(attn, ("q_lin", "k_lin", "v_lin"), rows, 0)
        prune_into(attn, ("out_lin",), rows, 1)
        attn.n_heads, attn.dim = len(kept_heads), len(rows)
        neurons = torch.tensor(kept_neurons, dtype=torch.long)
        prune_into(layer.ffn, ("lin1",), neurons, 0)
        prune_into(layer.ffn, ("lin2",), neurons, 1)

    def attributes(self, layer):
        attn = layer.attention
        return {
            "attention": {"n_heads": attn.n_heads, "dim": attn.dim, "attention_head_size": attn.attention_head_size}
        }
