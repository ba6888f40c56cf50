"""ModernBERT: `model.layers[i].attn.{Wqkv,Wo}` and `mlp.{Wi,Wo}`.
- The fused QKV projection holds Q, K and V one after the other, each with the heads side by side: a
  head owns the same rows in all three blocks.
- The FFN is gated: `Wi` holds the input half and then the gate half; neuron j is row j of both halves,
  so the two are pruned together, and column j of `mlp.Wo`.
- Local (sliding-window) and global layers prune alike; the window is a mask, so with eager or SDPA
  attention a local layer computes the same products as a global one.  Each layer computes its rotary
  table with one small matrix product per forward pass.
- transformers 5.2 reshapes Q, K and V with -1 heads; other releases read `attn.num_heads` and
  `attn.all_head_size`, so pruning sets both to what the layer keeps and the ticket records them."""

from __future__ import annotations

import torch

from trainables.earlyrobust.families.family import Family, head_rows, prune_into


class ModernBert(Family):
    name = "modernbert"
    model_types = ("modernbert",)

    def layers(self, model):
        return model.model.layers

    def head_size(self, layer):
        return layer.attn.head_dim

    def head_output(self, layer):
        return layer.attn.Wo

    def ffn_output(self, layer):
        return layer.mlp.Wo

    def prune_layer(self, layer, kept_heads, kept_neurons):
        rows = head_rows(kept_heads, self.head_size(layer))
        width = layer.attn.Wqkv.out_features // 3
        prune_into(layer.attn, ("Wqkv",), torch.cat([rows, rows + width, rows + 2 * width]), 0)
        prune_into(layer.attn, ("Wo",), rows, 1)
        layer.attn.num_heads, layer.attn.all_head_size = len(kept_heads), len(rows)
        neurons = torch.tensor(kept_neurons, dtype=torch.long)
        half = layer.mlp.Wi.out_features // 2
        prune_into(layer.mlp, ("Wi",), torch.cat([neurons, neurons + half]), 0)
        prune_into(layer.mlp, ("Wo",), neurons, 1)

    def num_heads(self, layer):
        return layer.attn.Wo.in_features // self.head_size(layer)

    def attributes(self, layer):
        attn = layer.attn
        return {
            "attn": {
                "num_heads": self.num_heads(layer),
                "all_head_size": attn.Wo.in_features,
                "head_dim": attn.head_dim,
            }
        }

    def call_flops(self, model, seq_len):
        # each layer computes its rotary table: inv_freq (head_dim / 2 x 1) @ positions (1 x seq_len)
        return float(len(self.layers(model)) * self.head_size(self.layers(model)[0]) * seq_len)
